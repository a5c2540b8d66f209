"""Every audit action code written anywhere in the code has a sentence for people (audit/display.py)."""

import re
from pathlib import Path

from attend.audit.display import SENTENCES

ROOT = Path(__file__).resolve().parents[2]
# audit.record("code", ...), record(\\n "code", ...), action="code" and `"code" if ... else "code"` forms.
CODE = re.compile(
    r'"((?:accounts|alerts|api|audit|core|directory|jobs|people|privacy|web|casework|registers|letters|partnership|visits|enforcement|cme)\.[a-z_]+\.[a-z_]+)"'
)


def action_codes_in_source() -> set[str]:
    codes = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "display.py":
            continue
        text = path.read_text()
        if "record(" not in text and "action=" not in text:
            continue
        codes |= set(CODE.findall(text))
    return codes


def test_the_scan_finds_the_codes_we_know():
    codes = action_codes_in_source()
    assert {"people.pupil.viewed", "alerts.alert.dismissed", "api.token.created"} <= codes


def test_every_action_code_has_a_sentence():
    missing = sorted(action_codes_in_source() - set(SENTENCES))
    assert not missing, f"Add sentences to attend/audit/display.py for: {missing}"
