"""Which import runs a user may read through the API. Which rows a file may write is checked by the importer that
reads them (attend.registers.imports.scope), for the web upload, the API and the command line alike."""

from __future__ import annotations

# The one answer lives in attend.accounts.identity; this name stays for the API views that import it.
from attend.accounts.identity import sees_every_import_run

__all__ = ["sees_every_import_run"]
