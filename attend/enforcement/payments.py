"""Payments and refunds of penalty notices, one by one or reconciled from the finance system's CSV file.

The amount that discharges a notice depends on the day it is paid, counted from and including the day of receipt
(SI 2024/210): the reduced amount to day 21, the full amount to day 28. £80 paid on day 22 does not discharge a
first notice: it is a part-payment of £160. A payment after day 28 discharges nothing (the LA must prosecute or
withdraw; the money is refunded or weighed in that decision). Each payment's reference is unique (a database
constraint): a file run twice applies nothing twice.

`reconcile_csv(path_or_file, by)` validates the whole file first. Errors (an unknown notice number, a withdrawn or
prosecuted notice, a bad amount or date, a reference repeated in the file) refuse the whole file: nothing is
applied. Part-payments, over-payments and late payments are applied and reported by line, so finance can chase,
refund or decide. Lines whose reference is already recorded are reported and skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction

from attend import audit
from attend.core import clock

from . import statute
from .models import NoticeEvent, PenaltyNotice
from .notice_events import EventRefused, _chronology, sync_notice_decisions
from .notices import discharged_on, notice_status, paid_total, received_on

E = NoticeEvent.Kind
COLUMNS = ("notice_number", "amount", "paid_on", "payment_reference")
MAX_LINES = 20000


def parse_amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip().lstrip("£").replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount of money") from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("100000"):
        raise ValueError(f"'{text}' is not an amount of money above £0 in pounds and pence")
    return amount.quantize(Decimal("0.01"))


def parse_day(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (2025-11-19 or 19/11/2025)")


def assess(notice: PenaltyNotice, paid_before: Decimal, amount: Decimal, on: dt.date) -> list[str]:
    """What a payment of `amount` on `on` does, in words: part-payment, over-payment or late (none: discharged)."""
    received = received_on(notice)
    if received is None:
        received = on  # paid before service was recorded: it has evidently been received
    day = statute.day_of_window(received, on)
    due = statute.amount_due(notice.issue_date, notice.sequence, received, on)
    total = paid_before + amount
    if due is None:
        return [
            f"late payment: day {day}, after the 28 days; it does not discharge the notice (refund or decide)"
        ]
    if total < due:
        return [f"part-payment: £{total} of £{due} due on day {day}; £{due - total} still owed"]
    if total > due:
        return [f"over-payment: £{total} paid, £{due} due on day {day}; refund £{total - due}"]
    return []


def _refuse_unless_open(notice: PenaltyNotice) -> None:
    status = notice_status(notice)
    if status in ("withdrawn", "prosecuted"):
        raise EventRefused(f"Notice {notice.number} has been {status}: refund the payer instead.")


def record_payment(
    notice: PenaltyNotice, *, amount: Decimal, on: dt.date, reference: str, by, source: str = "", request=None
) -> tuple[NoticeEvent, list[str]]:
    """Record one payment. Returns the event and what it does (part-, over- or late payment; empty: discharged).
    Refused (EventRefused): not above £0, a future date or before issue, a reference already used, withdrawn."""
    if amount is None or amount <= 0:
        raise EventRefused("Enter the amount paid, above £0.")
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if on > clock.today() or on < notice.issue_date:
        raise EventRefused("The payment date must be between the issue date and today.")
    if not reference.strip():
        raise EventRefused("Enter the payment reference.")
    _refuse_unless_open(notice)
    if NoticeEvent.objects.filter(payment_reference=reference.strip()).exists():
        raise EventRefused(f"A payment with reference {reference.strip()} is already recorded.")
    notes = assess(notice, paid_total(notice), amount, on)
    try:
        with transaction.atomic():
            event = _write_payment(
                notice, amount, on, reference.strip(), by, source or "Recorded by hand", notes
            )
            _chronology(
                notice,
                f"Payment of £{amount} on {on:%d/%m/%Y} for penalty notice {notice.number}"
                + (f" ({'; '.join(notes)})." if notes else ": paid in full."),
                by,
                request,
            )
    except IntegrityError:
        raise EventRefused(f"A payment with reference {reference.strip()} is already recorded.") from None
    sync_notice_decisions(clock.today(), notices=[notice])
    return event, notes


def _write_payment(notice, amount, on, reference, by, source, notes) -> NoticeEvent:
    event = NoticeEvent.objects.create(
        notice=notice,
        kind=E.PAYMENT,
        on=on,
        amount=amount,
        payment_reference=reference,
        source=source[:200],
        note="; ".join(notes),
        by=by,
    )
    audit.record(
        "enforcement.notice.payment_recorded",
        by=by,
        obj=notice,
        pupil=notice.pupil,
        school=notice.school,
        data={"notice": notice.number, "amount": str(amount), "on": on.isoformat(), "reference": reference},
    )
    return event


def record_refund(
    notice: PenaltyNotice, *, amount: Decimal, on: dt.date, reference: str, note: str, by, request=None
) -> NoticeEvent:
    """Record a refund (of an over-payment, a late payment, or a payment on a withdrawn notice)."""
    if amount is None or amount <= 0:
        raise EventRefused("Enter the amount refunded, above £0.")
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount > paid_total(notice):
        raise EventRefused(f"Only £{paid_total(notice)} has been paid on notice {notice.number}.")
    if on > clock.today() or on < notice.issue_date:
        raise EventRefused("The refund date must be between the issue date and today.")
    with transaction.atomic():
        event = NoticeEvent.objects.create(
            notice=notice,
            kind=E.REFUND,
            on=on,
            amount=amount,
            payment_reference=reference.strip(),
            note=note,
            by=by,
        )
        _chronology(
            notice, f"Refund of £{amount} on {on:%d/%m/%Y} for penalty notice {notice.number}.", by, request
        )
        audit.record(
            "enforcement.notice.refund_recorded",
            by=by,
            obj=notice,
            pupil=notice.pupil,
            school=notice.school,
            data={"notice": notice.number, "amount": str(amount)},
            request=request,
        )
    return event


# ----- the CSV file ---------------------------------------------------------------------------------------------


@dataclass
class Line:
    number: int  # the file's line number (the header is line 1)
    notice_number: str = ""
    amount: Decimal | None = None
    paid_on: dt.date | None = None
    reference: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: str = ""  # applied, already recorded, refused, not applied


@dataclass
class Reconciliation:
    file_name: str
    lines: list[Line]
    applied: int = 0
    errors: list[str] = field(default_factory=list)  # problems with the file as a whole

    @property
    def refused(self) -> bool:
        return bool(self.errors) or any(line.errors for line in self.lines)


def _read(path_or_file) -> tuple[str, str]:
    if isinstance(path_or_file, str | Path):
        return Path(path_or_file).name, Path(path_or_file).read_bytes().decode("utf-8-sig")
    name = getattr(path_or_file, "name", "upload.csv")
    data = path_or_file.read()
    return Path(str(name)).name, data.decode("utf-8-sig") if isinstance(data, bytes) else data


def _parse(text: str, result: Reconciliation) -> None:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(
            f"The file needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}."
        )
        return
    for row in reader:
        line = Line(number=reader.line_num)
        line.notice_number = (row["notice_number"] or "").strip().upper()
        line.reference = (row["payment_reference"] or "").strip()
        for name, parse, attr in (("amount", parse_amount, "amount"), ("paid_on", parse_day, "paid_on")):
            try:
                setattr(line, attr, parse(row[name] or ""))
            except ValueError as bad:
                line.errors.append(str(bad))
        if not line.reference:
            line.errors.append("no payment reference")
        result.lines.append(line)
        if len(result.lines) > MAX_LINES:
            result.errors.append(f"The file has more than {MAX_LINES} lines: split it.")
            return


def _validate(result: Reconciliation, scope) -> dict[str, PenaltyNotice]:
    numbers = {line.notice_number for line in result.lines}
    notices = {
        n.number: n
        for n in scope.filter(number__in=numbers).select_related("pupil", "school", "parent", "case")
        .prefetch_related("events")
    }  # fmt: skip
    recorded = set(
        NoticeEvent.objects.filter(
            payment_reference__in=[line.reference for line in result.lines]
        ).values_list("payment_reference", flat=True)
    )
    seen: dict[str, int] = {}
    running: dict[str, Decimal] = {}
    today = clock.today()
    for line in result.lines:
        notice = notices.get(line.notice_number)
        if line.reference in seen:
            line.errors.append(f"reference {line.reference} repeated (first on line {seen[line.reference]})")
        seen.setdefault(line.reference, line.number)
        if notice is None:
            line.errors.append(f"unknown notice number '{line.notice_number}'")
            continue
        if line.reference in recorded:
            line.status = "already recorded"
            continue
        if notice_status(notice) in ("withdrawn", "prosecuted"):
            line.errors.append(f"notice {notice.number} has been {notice_status(notice)}: refund the payer")
        if line.paid_on and not notice.issue_date <= line.paid_on <= today:
            line.errors.append("the payment date is before the notice was issued or in the future")
        if line.errors or line.amount is None:
            continue
        before = running.get(notice.number, paid_total(notice))
        line.notes = assess(notice, before, line.amount, line.paid_on)
        running[notice.number] = before + line.amount
    return notices


def reconcile_csv(path_or_file, by, *, scope=None) -> Reconciliation:
    """Validate the whole file, then apply every new payment in one transaction, or none (see the module).
    `scope`: the notices the user may record payments on (pages pass the user's); others are unknown numbers."""
    name, text = _read(path_or_file)
    result = Reconciliation(file_name=name, lines=[])
    _parse(text, result)
    if result.errors:
        return result
    if not result.lines:
        result.errors.append("The file has no payments.")
        return result
    notices = _validate(result, PenaltyNotice.objects.all() if scope is None else scope)
    if result.refused:
        for line in result.lines:
            line.status = "refused" if line.errors else (line.status or "not applied")
        return result
    try:
        with transaction.atomic():
            for line in result.lines:
                if line.status == "already recorded":
                    continue
                notice = notices[line.notice_number]
                _write_payment(
                    notice,
                    line.amount,
                    line.paid_on,
                    line.reference,
                    by,
                    f"{name} line {line.number}",
                    line.notes,
                )
                line.status = "applied"
                result.applied += 1
            for notice in {notices[line.notice_number] for line in result.lines if line.status == "applied"}:
                paid = discharged_on(PenaltyNotice.objects.get(pk=notice.pk))
                _chronology(
                    notice,
                    f"Payments for penalty notice {notice.number} reconciled from {name}"
                    + (f": paid in full on {paid:%d/%m/%Y}." if paid else "."),
                    by,
                    None,
                )
    except IntegrityError:  # another upload applied a reference at the same moment: nothing here is applied
        result.errors.append(
            "Another upload recorded some of these payments at the same moment: run it again."
        )
        result.applied = 0
        for line in result.lines:
            line.status = "not applied"
        return result
    audit.record("enforcement.payments.reconciled", by=by, data={"file": name, "applied": result.applied})
    sync_notice_decisions(clock.today(), notices=list(notices.values()))
    return result
