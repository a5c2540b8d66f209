"""The LA's code of conduct for penalty notices, as versioned settings.

Every LA must have a code of conduct for issuing penalty notices, and the notices it issues are bound by it
(Education (Penalty Notices) (England) Regulations 2007 reg 14, as amended by SI 2024/210; WTISA ch.6). What the
code decides locally lives here: the notice-to-improve period (3 to 6 weeks: WTISA; domain.md §3.1), what counts as
sufficient improvement, whether schools request notices through the LA, the LA's wording, and from which session
the six-month limit for laying an information is counted (Magistrates' Courts Act 1980 s127; issue 19). Statutory
values (amounts, windows, who may issue) are code, not settings: attend/enforcement/statute.py.

A change is a new version, never an edit of an old one: every decision stores the version it was made under.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max

from attend import audit
from attend.schools.models import LocalAuthority

from .models import CodeOfConduct

# WTISA ch.6 (domain.md §3.1): the improvement period of a notice to improve is 3 to 6 weeks.
NTI_MIN_WEEKS, NTI_MAX_WEEKS = 3, 6
DEFAULT_SUFFICIENT = (
    "No unauthorised absence during the improvement period, and every absence explained by a parent on its "
    "first day."
)
# The fields an LA sets; everything else on a version is bookkeeping.
FIELDS = (
    "nti_period_weeks",
    "sufficient_improvement",
    "sufficient_max_unauthorised",
    "nti_required",
    "schools_request_through_la",
    "time_limit_from",
    "wording",
)
# A fresh installation (issue 19): with no LA code configured, no notice to improve is required first.
DEFAULT_VALUES = {
    "nti_period_weeks": 4,
    "sufficient_improvement": DEFAULT_SUFFICIENT,
    "sufficient_max_unauthorised": 0,
    "nti_required": False,
    "schools_request_through_la": True,
    "time_limit_from": CodeOfConduct.TimeLimitFrom.FIRST_SESSION,
    "wording": "",
}


class CodeRefused(ValueError):
    """A version that cannot be saved; the message says why, for the person who tried."""


def _default_version() -> CodeOfConduct:
    """The installation's default (local_authority null), version 1, made on first use."""
    code = CodeOfConduct.objects.filter(local_authority__isnull=True).order_by("-version").first()
    if code is not None:
        return code
    try:
        with transaction.atomic():
            return CodeOfConduct.objects.create(
                local_authority=None, version=1, effective_from=dt.date(2024, 8, 19), **DEFAULT_VALUES
            )
    except IntegrityError:  # made by another request at the same moment
        return CodeOfConduct.objects.filter(local_authority__isnull=True).order_by("-version").first()


def code_for(la: LocalAuthority | None, on: dt.date) -> CodeOfConduct:
    """The version of `la`'s code in force on `on`: the newest version effective on or before that day. An LA
    with no version in force then (or no LA) gets the installation's default."""
    if la is not None:
        code = (
            CodeOfConduct.objects.filter(local_authority=la, effective_from__lte=on)
            .order_by("-effective_from", "-version")
            .first()
        )
        if code is not None:
            return code
    return _default_version()


def versions(la: LocalAuthority | None):
    return CodeOfConduct.objects.filter(local_authority=la).select_related("created_by").order_by("-version")


def clean_values(values: dict) -> dict:
    """The LA's values, checked: refused (CodeRefused) with the reason, never half saved."""
    out = {k: values.get(k, DEFAULT_VALUES[k]) for k in FIELDS}
    try:
        weeks = int(out["nti_period_weeks"])
    except (TypeError, ValueError):
        raise CodeRefused("Enter the improvement period in whole weeks: from 3 to 6 weeks") from None
    if not NTI_MIN_WEEKS <= weeks <= NTI_MAX_WEEKS:
        raise CodeRefused("The improvement period of a notice to improve must be 3 to 6 weeks (WTISA ch.6)")
    out["nti_period_weeks"] = weeks
    out["sufficient_improvement"] = (out["sufficient_improvement"] or "").strip()
    if not out["sufficient_improvement"]:
        raise CodeRefused("Say what counts as sufficient improvement, in the words parents will read")
    try:
        out["sufficient_max_unauthorised"] = int(out["sufficient_max_unauthorised"])
    except (TypeError, ValueError):
        raise CodeRefused(
            "Enter the most unauthorised sessions that still count as sufficient, as a number"
        ) from None
    if out["sufficient_max_unauthorised"] < 0:
        raise CodeRefused("The most unauthorised sessions cannot be negative")
    if out["time_limit_from"] not in CodeOfConduct.TimeLimitFrom.values:
        raise CodeRefused("Choose whether the six months are counted from the first or the last session")
    out["nti_required"] = bool(out["nti_required"])
    out["schools_request_through_la"] = bool(out["schools_request_through_la"])
    out["wording"] = (out["wording"] or "").strip()
    return out


def new_version(
    la: LocalAuthority | None, *, by, effective_from: dt.date, values: dict, request=None
) -> CodeOfConduct:
    """Save a change to the code as a new version (the old ones stay as they were: decisions point at them).
    Refused if nothing changed or the values are out of range. An effective date before the newest version's is
    refused too: the history is read in order."""
    data = clean_values(values)
    current = versions(la).first()
    if current is None and la is None:
        current = _default_version()
    if current is not None:
        if (
            all(getattr(current, k) == v for k, v in data.items())
            and effective_from == current.effective_from
        ):
            raise CodeRefused("Nothing has changed: the version in force already says this")
        if effective_from < current.effective_from:
            raise CodeRefused(
                f"The new version cannot take effect before version {current.version} "
                f"({current.effective_from:%d/%m/%Y})"
            )
    with transaction.atomic():
        number = (CodeOfConduct.objects.filter(local_authority=la).aggregate(n=Max("version"))["n"] or 0) + 1
        code = CodeOfConduct.objects.create(
            local_authority=la,
            version=number,
            effective_from=effective_from,
            created_by=by if getattr(by, "pk", None) else None,
            **data,
        )
        audit.record(
            "enforcement.code.changed",
            by=by,
            obj=code,
            data={
                "la": la.name if la else "the default",
                "version": number,
                "effective_from": effective_from.isoformat(),
                "changed": sorted(k for k in FIELDS if current is None or getattr(current, k) != data[k]),
            },
            request=request,
        )
    return code
