"""`attend stats refresh|status`: rebuild or inspect the columnar statistics store."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from attend.analytics.store import read_meta, store_path
from attend.stats import store


class Command(BaseCommand):
    help = "Rebuild (refresh) or describe (status) the columnar copy of the marks that statistics read."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh", "status"])
        parser.add_argument(
            "--if-stale", action="store_true", help="refresh only if the database has changed"
        )

    def handle(self, *args, action: str, if_stale: bool = False, **options):
        if action == "refresh":
            path = store.refresh(force=not if_stale)
            meta = read_meta(store.store_dir()) or {}
            self.stdout.write(
                f"Statistics store {path}: {meta.get('marks', 0)} marks, built {meta.get('built_at')}"
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
