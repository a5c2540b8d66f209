"""`attend stats refresh|status`: rebuild or inspect the columnar statistics store."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from attend.analytics.store import read_meta, store_path
from attend.stats import store


class Command(BaseCommand):
    help = (
        "Bring up to date (refresh) or describe (status) the columnar copy of the marks that statistics read. "
        "refresh applies the changes since the last refresh when it can and rebuilds the store whole otherwise; "
        "--full always rebuilds it."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh", "status"])
        parser.add_argument("--full", action="store_true", help="rebuild the whole store from the database")
        parser.add_argument(
            "--if-stale", action="store_true", help="(the default) do nothing if the database has not changed"
        )

    def handle(self, *args, action: str, full: bool = False, if_stale: bool = False, **options):
        if action == "refresh":
            if full:
                started = time.perf_counter()
                store.refresh(force=True)
                outcome = {"kind": "full", "seconds": time.perf_counter() - started, "reason": "--full"}
            else:
                outcome = store.update()
            meta = read_meta(store.store_dir()) or {}
            done = {"none": "already up to date", "incremental": "changes applied", "full": "rebuilt whole"}
            self.stdout.write(
                f"Statistics store {store_path(store.store_dir())}: {done[outcome['kind']]} in "
                f"{outcome['seconds']:.1f} s ({outcome.get('reason') or 'only the changes'}); "
                f"{meta.get('marks', 0)} marks, figures as of {meta.get('built_at')}"
            )
            return
        meta = read_meta(store.store_dir())
        if meta is None:
            self.stdout.write(f"No statistics store at {store_path(store.store_dir())}")
            return
        state = "stale" if store.is_stale() else "up to date"
        self.stdout.write(f"Statistics store {store_path(store.store_dir())} ({state})")
        for key, value in sorted(meta.items()):
            self.stdout.write(f"  {key}: {value}")
