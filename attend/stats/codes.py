"""The register code table as the analytics layer needs it (pure Python: no Django models)."""

from __future__ import annotations

from functools import cache

from attend.analytics.definitions import CodeSpec
from attend.registers.codes import code_table


@cache
def code_specs() -> dict[str, CodeSpec]:
    return {
        code: CodeSpec(code=code, category=info.statistical_category, dfe_column=info.dfe_column)
        for code, info in code_table().items()
    }
