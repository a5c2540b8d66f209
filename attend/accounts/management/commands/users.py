"""attend users create USERNAME --role ROLE (--school URN | --trust ID | --la CODE) [--email E]
attend users import FILE.csv

Setting up an LA's team from a script (attend/accounts/provisioning.py). A new user's first password is printed
once, here only; a user who exists already is left as they are.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from attend.accounts.provisioning import ProvisioningError, user_create, users_import


class Command(BaseCommand):
    help = "Create users with one role each, from the command line or a CSV file (idempotent, audited)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create one user (or say they exist)")
        create.add_argument("username")
        create.add_argument(
            "--role", required=True, help="e.g. la_officer, school_officer, dsl, system_admin"
        )
        place = create.add_mutually_exclusive_group()
        place.add_argument("--school", default="", help="school URN")
        place.add_argument("--trust", default="", help="trust DfE group UID")
        place.add_argument("--la", default="", help="local authority 3-digit code")
        create.add_argument("--email", default="")
        file = sub.add_parser("import", help="create every new user in a CSV file, all or nothing")
        file.add_argument("file", help="columns: username, role, school_urn, trust_id, la_code, email")

    def handle(self, *args, **options):
        try:
            if options["action"] == "create":
                outcome = user_create(
                    username=options["username"],
                    role=options["role"],
                    school_urn=options["school"],
                    trust_id=options["trust"],
                    la_code=options["la"],
                    email=options["email"],
                )
            else:
                outcome = users_import(options["file"])
        except ProvisioningError as error:
            raise CommandError("Nothing was changed:\n" + "\n".join(error.problems)) from None
        for username in outcome.existing:
            self.stdout.write(f"{username} already exists: nothing changed.")
        for username, password in outcome.created:
            self.stdout.write(
                f"{username} created. First password (shown once, give it privately): {password}"
            )
        if options["action"] == "import":
            self.stdout.write(f"{len(outcome.created)} created, {len(outcome.existing)} already existed.")
