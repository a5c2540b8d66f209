"""`attend letters templates` (one a line, the name first),
`attend letters render NAME --upn UPN [--as-of DATE] --out FILE.pdf`, and `attend letters resume`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attend.letters import library
from attend.letters.compose import MessageError, compose, enrolment_on, liable_contacts
from attend.letters.models import Channel, LetterTemplate
from attend.people.models import Pupil


class Command(BaseCommand):
    help = "List the letter templates, or render one letter for a pupil to PDF."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        templates = sub.add_parser("templates", help="List the templates: name, channel, language, title")
        templates.add_argument(
            "--school", type=int, help="URN: the templates that school uses (with overrides)"
        )
        render = sub.add_parser("render", help="Render one letter to PDF for a pupil's first contact with PR")
        render.add_argument("name", help="Template name (from `attend letters templates`)")
        render.add_argument("--upn", required=True)
        render.add_argument("--as-of", help="Figures for the school year to this date (default: today)")
        render.add_argument("--out", required=True, help="The PDF file to write")
        sub.add_parser(
            "resume",
            help="Queue again the batches a stopped worker left part-way (preparing, or approved and sending)",
        )

    def handle(self, *args, **options):
        if options["action"] == "templates":
            return self._templates(options.get("school"))
        if options["action"] == "resume":
            return self._resume()
        return self._render(options)

    def _resume(self):
        from attend.letters.prepare import batches_to_resume
        from attend.letters.tasks import prepare_batch, send_batch

        found = batches_to_resume()
        for pk in found["prepare"]:
            prepare_batch.enqueue(pk)
        for pk in found["send"]:
            send_batch.enqueue(pk)
        self.stdout.write(
            f"Queued {len(found['prepare'])} batch(es) to finish preparing and {len(found['send'])} to finish sending."
        )

    def _templates(self, urn):
        from attend.schools.models import School

        if urn:
            school = School.objects.filter(urn=urn).first()
            if school is None:
                raise CommandError(f"No school with URN {urn}")
            rows = [t for lang in ("en", "pl") for t in library.available(school, lang)]
        else:
            rows = LetterTemplate.objects.filter(owner_key="default")
        for t in sorted(rows, key=lambda t: (t.name, t.language)):
            notes = (
                "placeholder"
                if t.placeholder
                else ("translation to be checked" if t.translation_note else "")
            )
            line = f"{t.name}\t{t.channel}\t{t.language}\t{t.title}"
            self.stdout.write(f"{line}\t{notes}".rstrip())

    def _render(self, options):
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2026-11-25, not {options['as_of']!r}") from None
        pupil = Pupil.objects.filter(upn=options["upn"].strip().upper()).first()
        if pupil is None:
            raise CommandError(f"No pupil with UPN {options['upn']}")
        enrolment = enrolment_on(pupil, as_of)
        try:
            template, _ = library.resolve(options["name"], enrolment.school if enrolment else None)
        except LetterTemplate.DoesNotExist:
            raise CommandError(
                f"No template called {options['name']!r}: `attend letters templates` lists them"
            ) from None
        if template.channel != Channel.LETTER:
            raise CommandError(
                f"{template.name} is a {template.get_channel_display().lower()} template, not a letter"
            )
        contacts = liable_contacts(pupil)
        contact = contacts[0].contact if contacts else None
        try:
            draft = compose(
                template_name=template.name,
                pupil=pupil,
                contact=contact,
                route="print",
                as_of=as_of,
                check_address=False,
            )
        except MessageError as exc:
            raise CommandError(str(exc)) from None
        out = Path(options["out"])
        out.write_bytes(draft.pdf)
        self.stdout.write(
            f"Wrote {out} ({len(draft.pdf):,} bytes): {template.name} v{draft.version.number} for "
            f"{pupil.display_name}, addressed to {contact or 'the parent or carer'}, figures to {as_of}"
        )
