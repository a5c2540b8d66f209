"""Identification rules (issue 5): pure functions over small input dataclasses, listed in a plain RULES list.

Each rule's docstring is the staff-facing meaning and its source. Rules never touch the database: inputs.py loads
one school's marks in one query and builds a PupilInput per enrolment. Thresholds come from DEFAULTS, overridden
per local authority or school by RuleSetting rows (services.rule_settings_for).
"""

from __future__ import annotations

from collections.abc import Callable

from .base import (
    ABSENCE,
    ATTENDED,
    AUTHORISED,
    DEFAULTS,
    POSSIBLE,
    UNAUTHORISED,
    MarkT,
    PupilInput,
    RuleHit,
    SchoolContext,
    SessionT,
    parse_setting,
)
from .daily import first_day, missing_register, n_not_resolved, part_time_timetable
from .patterns import holiday_adjacent, monday_friday_pattern, repeated_late_u, sharp_drop, short_spells
from .statutory import (
    at_risk_persistent,
    cme_20_days,
    la_notification_10_days,
    penalty_threshold,
    persistent_absence,
    severe_absence,
)

PupilRule = Callable[[PupilInput], RuleHit | None]

# Statutory and DfE-definition rules apply only to pupils of compulsory school age (domain.md §2.1).
STATUTORY_RULES: list[PupilRule] = [
    persistent_absence,
    severe_absence,
    at_risk_persistent,
    penalty_threshold,
    la_notification_10_days,
    cme_20_days,
]
OTHER_RULES: list[PupilRule] = [
    first_day,
    n_not_resolved,
    part_time_timetable,
    monday_friday_pattern,
    holiday_adjacent,
    short_spells,
    repeated_late_u,
    sharp_drop,
]
RULES: list[PupilRule] = OTHER_RULES[:3] + STATUTORY_RULES + OTHER_RULES[3:]
SCHOOL_RULES = [missing_register]
# "cohort" (rule 10) compares groups across schools through the statistics API: attend/alerts/cohort.py.
RULE_IDS: list[str] = [r.__name__ for r in RULES] + [r.__name__ for r in SCHOOL_RULES] + ["cohort"]
DAILY_RULES = frozenset({"first_day", "missing_register"})
STATUTORY_IDS = frozenset(r.__name__ for r in STATUTORY_RULES)


def evaluate_pupil(p: PupilInput, rules: list[PupilRule] | None = None) -> list[RuleHit]:
    """Every hit for one enrolment, stamped with its ids; statutory rules skip pupils outside compulsory age."""
    hits = []
    statutory_ok = p.compulsory_school_age
    for rule in rules or RULES:
        if rule.__name__ in STATUTORY_IDS and not statutory_ok:
            continue
        hit = rule(p)
        if hit is not None:
            flags = hit.flags + (("review_context_first",) if p.review_context_first else ())
            hits.append(
                RuleHit(
                    rule=hit.rule,
                    measure=hit.measure,
                    reason=hit.reason,
                    evidence=hit.evidence,
                    enrolment_id=p.enrolment_id,
                    pupil_id=p.pupil_id,
                    key=hit.key,
                    flags=flags,
                    priority=hit.priority,
                    since=hit.since,
                    details=hit.details,
                )
            )
    return hits


__all__ = [
    "ABSENCE",
    "ATTENDED",
    "AUTHORISED",
    "DAILY_RULES",
    "DEFAULTS",
    "POSSIBLE",
    "RULES",
    "RULE_IDS",
    "SCHOOL_RULES",
    "UNAUTHORISED",
    "MarkT",
    "PupilInput",
    "RuleHit",
    "SchoolContext",
    "SessionT",
    "at_risk_persistent",
    "cme_20_days",
    "evaluate_pupil",
    "first_day",
    "holiday_adjacent",
    "la_notification_10_days",
    "missing_register",
    "monday_friday_pattern",
    "n_not_resolved",
    "parse_setting",
    "part_time_timetable",
    "penalty_threshold",
    "persistent_absence",
    "repeated_late_u",
    "severe_absence",
    "sharp_drop",
    "short_spells",
]
