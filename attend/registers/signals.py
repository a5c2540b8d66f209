"""Signals other apps listen to, so registers never import them (alerts, statistics, jobs depend on registers).

`import_completed` is sent once an import has committed (never for a failed one), with `kind` and `result`
(the ImportResult). Receivers run after the commit: a receiver that fails cannot undo the import.
"""

from django.dispatch import Signal

import_completed = Signal()
