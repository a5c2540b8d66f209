"""The `attend` console command: a thin wrapper around Django's management commands (like manage.py)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["attend", *sys.argv[1:]])


if __name__ == "__main__":
    main()
