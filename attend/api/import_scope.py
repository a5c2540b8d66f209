"""Which import runs a user may read through the API. Which files they may send is one rule for the web upload
and the API: attend.jobs.scope.import_scope_problems."""

from __future__ import annotations

# The one answer lives in attend.accounts.identity; this name stays for the API views that import it.
from attend.accounts.identity import sees_every_import_run

__all__ = ["sees_every_import_run"]
