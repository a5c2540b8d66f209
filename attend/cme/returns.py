"""The LA's termly figures for children missing education, home education, deletion returns and s19 decisions
(issue 20 "Returns"), per LA and per term, exportable as CSV.

A term is the LA's schools' Term rows of one academic year with one name (attend/schools/models.py), from the
earliest start to the latest end among those schools. Counts:
- CME enquiries (the LA's own: `local_authority`, the LA where the child lives): opened in the term; closed in the
  term by outcome; open at the term's end (opened by then, not closed by then).
- Home education (the LA's records): parents' notices received in the term; children home educated at the term's
  end (started on or before it, not ended by then), of whom with an EHC plan, with a child protection plan;
  returned to school in the term.
- Deletion returns from the LA's schools in the term by ground (2024 Regs reg 13); a return corrected by a later
  one counts once, as corrected.
- s19 decisions recorded by the LA in the term, by trigger and decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q

from attend.schools.models import LocalAuthority, Term

from .models_ehe import HomeEducation
from .models_enquiries import CmeEnquiry
from .models_roll import DeletionGround, RollDeletion
from .models_s19 import ProvisionDecision


@dataclass(frozen=True)
class LaTerm:
    start_year: int
    name: str
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        return f"{self.start_year}:{self.name}"

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d} {self.name}"


def la_terms(la: LocalAuthority) -> list[LaTerm]:
    """The LA's terms, from its schools' Term rows (one grouped query), oldest first."""
    rows = (
        Term.objects.filter(school__local_authority=la)
        .values("academic_year__start_year", "name")
        .annotate(start=Min("start_date"), end=Max("end_date"))
        .order_by("start", "name")
    )
    return [LaTerm(r["academic_year__start_year"], r["name"], r["start"], r["end"]) for r in rows]


def term_for(la: LocalAuthority, key: str | None, today: dt.date) -> LaTerm | None:
    """The term named by `key` ("2025:Autumn 1"), else the latest term that has started by `today`."""
    terms = la_terms(la)
    chosen = next((t for t in terms if t.key == key), None)
    if chosen is None:
        started = [t for t in terms if t.start <= today]
        chosen = started[-1] if started else (terms[0] if terms else None)
    return chosen


Row = tuple[str, str, str, int]  # section, measure, breakdown, number


def _by(rows, field: str, choices) -> list[tuple[str, int]]:
    counts = dict(rows.values_list(field).annotate(n=Count("id")).order_by())
    return [(label, counts.get(value, 0)) for value, label in choices]


def cme_rows(la: LocalAuthority, term: LaTerm) -> list[Row]:
    enquiries = CmeEnquiry.objects.filter(local_authority=la)
    opened = enquiries.filter(opened_at__date__range=(term.start, term.end)).count()
    closed = enquiries.filter(status=CmeEnquiry.Status.CLOSED, closed_at__date__range=(term.start, term.end))
    open_at_end = (
        enquiries.filter(opened_at__date__lte=term.end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=term.end))
        .count()
    )
    rows: list[Row] = [("Children missing education", "Enquiries opened", "", opened)]
    rows += [
        ("Children missing education", "Enquiries closed", label, n)
        for label, n in _by(closed, "outcome", CmeEnquiry.Outcome.choices)
    ]
    rows.append(("Children missing education", "Enquiries open at the end of the term", "", open_at_end))
    return rows


def ehe_rows(la: LocalAuthority, term: LaTerm) -> list[Row]:
    records = HomeEducation.objects.filter(local_authority=la)
    at_end = records.filter(started_on__lte=term.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=term.end)
    )
    counts = at_end.aggregate(
        n=Count("id"),
        ehc=Count("id", filter=Q(ehc_plan=True)),
        cp=Count("id", filter=Q(child_protection_plan=True)),
    )
    section = "Elective home education"
    return [
        (
            section,
            "Notices received",
            "",
            records.filter(notice_received_on__range=(term.start, term.end)).count(),
        ),
        (section, "Children home educated at the end of the term", "", counts["n"]),
        (section, "Children home educated at the end of the term", "With an EHC plan", counts["ehc"]),
        (
            section,
            "Children home educated at the end of the term",
            "With a child protection plan",
            counts["cp"],
        ),
        (
            section,
            "Returned to school",
            "",
            records.filter(
                status=HomeEducation.Status.RETURNED, ended_on__range=(term.start, term.end)
            ).count(),
        ),
    ]


def deletion_rows(la: LocalAuthority, term: LaTerm) -> list[Row]:
    returns = RollDeletion.objects.filter(
        school__local_authority=la, deleted_on__range=(term.start, term.end), corrections__isnull=True
    )
    return [
        ("Deletion returns", "Deletions from the roll", label, n)
        for label, n in _by(returns, "ground", DeletionGround.choices)
    ]


def s19_rows(la: LocalAuthority, term: LaTerm) -> list[Row]:
    decisions = ProvisionDecision.objects.filter(local_authority=la, decided_on__range=(term.start, term.end))
    counts = {
        (t, d): n
        for t, d, n in decisions.values_list("trigger", "decision").annotate(n=Count("id")).order_by()
    }
    return [
        ("s19 decisions", trigger_label, decision_label, counts.get((trigger, decision), 0))
        for trigger, trigger_label in ProvisionDecision.Trigger.choices
        for decision, decision_label in ProvisionDecision.Decision.choices
    ]


def termly_return(la: LocalAuthority, term: LaTerm) -> list[Row]:
    return [*cme_rows(la, term), *ehe_rows(la, term), *deletion_rows(la, term), *s19_rows(la, term)]


CSV_HEADER = [
    "LA code",
    "LA",
    "Term",
    "Term starts",
    "Term ends",
    "Section",
    "Measure",
    "Breakdown",
    "Number",
]


def csv_lines(la: LocalAuthority, term: LaTerm) -> list[list]:
    from attend.core.spreadsheet import row

    lines = [CSV_HEADER]
    for section, measure, breakdown, n in termly_return(la, term):
        lines.append(
            row([la.code, la.name, term.label, term.start, term.end, section, measure, breakdown, n])
        )
    return lines
