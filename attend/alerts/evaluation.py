"""Evaluate the rules for schools and store the hits as alerts (the lifecycle services are in services.py).

One open alert per rule, enrolment and key: re-evaluation changes it only when its reason, evidence, details,
measure, flags or priority changed; an alert hit again with nothing changed is not written at all (so a nightly
evaluation of a quiet LA writes nothing). A dismissed alert comes back only when its measure rises above the value it
had when dismissed. Open alerts whose rule no longer fires are cleared, except alerts already linked to a case.

After a marks import only the enrolments the file carried are evaluated (`enrolment_ids`), with the school-level
rules (missing_register, cohort) of their schools: the pupils' alerts are compared and cleared among those
enrolments only, so the outcome is the same as a whole-school evaluation for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from attend.core import clock
from attend.people.models import Enrolment, PupilContact
from attend.schools.models import LocalAuthority, School

from .cohort import cohort_hits
from .events import EVENT_RULES
from .inputs import load_school, rule_settings_for
from .models import OPEN_STATUSES, Alert
from .rules import DAILY_RULES, DEFAULTS, RuleHit, evaluate_pupil, missing_register

# The fields a re-evaluation may change on an open alert; an alert is written only when one of them changed.
COMPARED = ("reason", "evidence", "details", "measure", "review_context_first", "flags", "priority")
# A narrowed evaluation of more enrolments than this hands the s19 sync the schools, not a list of pupils.
PUPIL_LIST_MAX = 2000


@dataclass
class EvaluationResult:
    schools: int = 0
    pupils: int = 0
    raised: int = 0
    returned: int = 0
    updated: int = (
        0  # open alerts whose reason, evidence, details, measure, flags or priority changed: written
    )
    unchanged: int = 0  # open alerts hit again with nothing changed: not written at all
    suppressed: int = 0  # hits matching a dismissed alert whose evidence has not worsened
    cleared: int = 0

    def add(self, other: EvaluationResult) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def written(self) -> int:
        """Alert rows inserted or updated."""
        return self.raised + self.returned + self.updated + self.cleared

    def __str__(self) -> str:
        return (
            f"{self.schools:,} schools, {self.pupils:,} enrolments: {self.raised:,} raised, "
            f"{self.returned:,} returned, {self.updated:,} changed, {self.unchanged:,} unchanged, "
            f"{self.suppressed:,} still dismissed, {self.cleared:,} cleared"
        )


def default_time(as_of: dt.date) -> dt.time:
    """Evaluating today uses the time now; any other day is evaluated as at its end (so replays agree)."""
    now = timezone.localtime()
    return now.time().replace(microsecond=0) if as_of == now.date() else dt.time(23, 59, 59)


def alerts_evaluate(
    *,
    as_of: dt.date,
    at: dt.time | None = None,
    school: School | None = None,
    local_authority: LocalAuthority | None = None,
    school_ids: Collection[int] | None = None,
    enrolment_ids: Collection[int] | None = None,
) -> EvaluationResult:
    """Run every rule for each school in scope as of `as_of` (and time `at`) and store the hits as alerts.

    `enrolment_ids` narrows the pupil rules to those enrolments (after a marks import); the school-level rules of
    the schools in scope still run."""
    at = at or default_time(as_of)
    schools = School.objects.select_related("local_authority").order_by("urn")
    if school is not None:
        schools = schools.filter(pk=school.pk)
    if local_authority is not None:
        schools = schools.filter(local_authority=local_authority)
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    schools = list(schools)
    wanted = None if enrolment_ids is None else frozenset(enrolment_ids)
    cohorts = _cohorts(schools, as_of)
    total = EvaluationResult()
    for each in schools:
        cohort = cohorts.get(each.pk, []) if cohorts is not None else None
        total.add(_evaluate_school(each, as_of=as_of, at=at, cohort=cohort, enrolment_ids=wanted))
    if as_of == clock.today():  # casework's items on the work list (not when replaying a past day)
        if wanted is None:
            _sync_everything(as_of, schools)
        else:
            _sync_after_marks(as_of, schools, wanted)
    return total


def _sync_everything(as_of: dt.date, schools: list[School]) -> None:
    """Every work-list sync of the other areas, for these schools (a full evaluation: the nightly schedule)."""
    from attend.casework.models import Case
    from attend.casework.prompts import sync_case_prompts

    sync_case_prompts(as_of, Case.objects.filter(school__in=schools))
    from attend.partnership.referrals import sync_referral_reminders

    sync_referral_reminders(as_of, Case.objects.filter(school__in=schools))
    from attend.partnership.timetable_checks import sync_timetable_prompts

    sync_timetable_prompts(as_of, schools=schools)
    from attend.enforcement.ntis import sync_nti_prompts

    sync_nti_prompts(as_of, schools=schools)
    from attend.enforcement.notice_events import sync_notice_decisions

    sync_notice_decisions(as_of, schools=schools)
    from attend.enforcement.models import Prosecution
    from attend.enforcement.prosecutions_prompts import sync_time_limit_prompts

    sync_time_limit_prompts(as_of, prosecutions=Prosecution.objects.filter(case__school__in=schools))
    # The LA's duties to children out of school (attend.cme): s19 decisions due, home education contacts due.
    from attend.cme.ehe import sync_ehe_prompts
    from attend.cme.models import HomeEducation
    from attend.cme.s19 import sync_s19_prompts

    sync_s19_prompts(as_of, schools=schools)
    from attend.cme.roll_prompts import sync_roll_prompts

    sync_roll_prompts(as_of, schools=schools)
    from attend.cme.enquiries import sync_enquiry_prompts

    sync_enquiry_prompts(as_of, schools=schools)
    sync_ehe_prompts(as_of, records=HomeEducation.objects.filter(school__in=schools))
    # Schools whose registers stopped arriving (attend.registers.arrivals): the LA's item.
    from attend.registers.arrivals import sync_arrival_prompts

    sync_arrival_prompts(as_of, schools=schools)


def _sync_after_marks(as_of: dt.date, schools: list[School], enrolment_ids: frozenset[int]) -> None:
    """After a marks import, only the syncs that read marks: s19 health/exclusion days (for the pupils the file
    carried) and registers received (for its schools). The others (cases, referrals, timetable reviews, notices to
    improve, penalty notice decisions, prosecution time limits, roll deletions, enquiries, home education) read
    dates and case records only, not marks: the nightly full evaluation keeps them."""
    from attend.cme.s19 import sync_s19_prompts
    from attend.registers.arrivals import sync_arrival_prompts

    if len(enrolment_ids) <= PUPIL_LIST_MAX:
        pupils = sorted(
            set(Enrolment.objects.filter(pk__in=enrolment_ids).values_list("pupil_id", flat=True))
        )
        sync_s19_prompts(as_of, pupils=pupils)
    else:
        sync_s19_prompts(as_of, schools=schools)
    sync_arrival_prompts(as_of, schools=schools)


def _cohorts(schools: list[School], as_of: dt.date) -> dict[int, list[RuleHit]] | None:
    """Rule 10 for the schools with enough pupils for a group of the minimum size (one count query first, so
    that small test schools never reach the statistics store)."""
    need = DEFAULTS["cohort"]["min_enrolments"]
    on_roll = Q(enrolments__admission_date__lte=as_of) & (
        Q(enrolments__leaving_date__isnull=True) | Q(enrolments__leaving_date__gte=as_of)
    )
    sizes = dict(
        School.objects.filter(pk__in=[s.pk for s in schools])
        .annotate(n=Count("enrolments", filter=on_roll))
        .values_list("pk", "n")
    )
    big = [s for s in schools if sizes.get(s.pk, 0) >= need]
    if not big:
        return {}
    settings = {s.pk: rule_settings_for(s)["cohort"] for s in big}
    return cohort_hits(big, as_of=as_of, settings_by_school=settings)


def _contacts(pupil_ids: set[int]) -> dict[int, list[dict]]:
    contacts: dict[int, list[dict]] = defaultdict(list)
    rows = (
        PupilContact.objects.filter(pupil_id__in=pupil_ids)
        .order_by("pupil_id", "priority", "id")
        .values_list(
            "pupil_id",
            "priority",
            "relationship",
            "contact__title",
            "contact__forename",
            "contact__surname",
            "contact__phone_mobile",
            "contact__phone_home",
            "contact__phone_work",
        )
    )
    for pupil_id, priority, relationship, title, forename, surname, mobile, home, work in rows:
        name = " ".join(part for part in (title, forename, surname) if part)
        phones = [p for p in (mobile, home, work) if p]
        contacts[pupil_id].append(
            {"priority": priority, "name": name, "relationship": relationship, "phones": phones}
        )
    return contacts


def _details(hit: RuleHit, contacts: dict[int, list[dict]]) -> dict:
    details: dict = dict(hit.details)
    if hit.since is not None:
        details["since"] = hit.since.isoformat()  # the date the threshold was met (worklist: "newly crossed")
    if hit.rule == "first_day" and hit.pupil_id is not None:
        details["contacts"] = contacts.get(hit.pupil_id, [])
    return details


def _as_stored(value):
    """A JSON field's value as it reads back from the database (tuples become lists, and so on)."""
    return json.loads(json.dumps(value))


def _worse(hit: RuleHit, evidence: list, dismissed: Alert) -> bool:
    """Has the evidence worsened since the alert was dismissed? Its measure rose, or every evidence session is new
    (e.g. a fresh 10-week penalty window, or a new school year)."""
    if float(hit.measure) > (dismissed.dismissed_measure or 0):
        return True
    old = {tuple(item[:2]) for item in dismissed.evidence}
    return bool(evidence) and bool(old) and not any(tuple(item[:2]) in old for item in evidence)


@dataclass(frozen=True)
class _Latest:
    """What the evaluation needs of an alert before it knows whether a hit changed it (no JSON read)."""

    pk: int
    rule: str
    key: str
    status: str
    digest: str

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def _latest_alerts(
    school: School, as_of: dt.date, enrolment_ids: frozenset[int] | None
) -> dict[tuple, _Latest | None]:
    """The latest alert for each (rule, enrolment, key): it decides what a hit does (None when it is closed, so a
    hit raises a new one). Past days' daily alerts that are closed cannot match a hit, so they are not read; event
    alerts (attend.alerts.events) are neither raised nor cleared here. Narrowed: only the alerts of those
    enrolments and the school-level ones."""
    relevant = (
        Alert.objects.filter(school=school)
        .exclude(rule__in=EVENT_RULES)
        .filter(~Q(rule__in=DAILY_RULES) | Q(key__startswith=as_of.isoformat()) | Q(status__in=OPEN_STATUSES))
    )
    latest: dict[tuple, _Latest | None] = {}
    kept = (*OPEN_STATUSES, Alert.Status.DISMISSED)
    for pk, rule, enrolment_id, key, status, digest in relevant.order_by("id").values_list(
        "id", "rule", "enrolment_id", "key", "status", "evaluated_digest"
    ):
        if enrolment_ids is not None and enrolment_id is not None and enrolment_id not in enrolment_ids:
            continue
        latest[(rule, enrolment_id, key)] = _Latest(pk, rule, key, status, digest) if status in kept else None
    return latest


def _alerts(pks: list[int]) -> dict[int, Alert]:
    return {
        a.pk: a
        for start in range(0, len(pks), 2000)
        for a in Alert.objects.filter(pk__in=pks[start : start + 2000])
    }


def _fields(hit: RuleHit, contacts: dict, as_of: dt.date) -> dict:
    """The alert's fields from a hit, before the JSON round trip (`_as_stored`) that only a written alert needs."""
    return {
        "reason": hit.reason,
        "evidence": hit.evidence_json(),
        "details": _details(hit, contacts),
        "measure": float(hit.measure),
        "review_context_first": "review_context_first" in hit.flags,
        "flags": list(hit.flags),
        "priority": hit.priority,
        "last_evaluated_on": as_of,
    }


def _digest(fields: dict) -> str:
    """A fingerprint of what the rule said (the COMPARED fields): an open alert whose stored fingerprint matches
    is unchanged, found without reading its JSON (53,000 open alerts' evidence took seconds to decode)."""
    text = json.dumps([fields[name] for name in COMPARED], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _apply_hits(
    hits, latest, school, as_of, contacts, result
) -> tuple[list[Alert], list[Alert], list[Alert], set]:
    """(alerts to create, open alerts whose state changed, open alerts stored before fingerprints that only need
    theirs, the keys hit)."""
    hit_keys = set()
    pending = []
    for hit in hits:
        key = (hit.rule, hit.enrolment_id, hit.key)
        hit_keys.add(key)
        previous = latest.get(key)
        fields = _fields(hit, contacts, as_of)
        digest = _digest(fields)
        if previous is not None and previous.is_open and previous.digest == digest:
            result.unchanged += 1  # nothing to write: the alert is as of its last change
            continue
        pending.append((hit, previous, fields, digest))
    stored = _alerts([previous.pk for _, previous, _, _ in pending if previous is not None])
    to_create: list[Alert] = []
    to_update: list[Alert] = []
    to_stamp: list[Alert] = []
    for hit, previous, fields, digest in pending:
        fields.update(evidence=_as_stored(fields["evidence"]), details=_as_stored(fields["details"]))
        fields["evaluated_digest"] = digest
        alert = stored.get(previous.pk) if previous is not None else None
        if alert is not None and alert.is_open:
            if _update_open(alert, hit, fields):
                result.updated += 1
                to_update.append(alert)
            else:
                result.unchanged += 1  # the same, stored before fingerprints: only the fingerprint is written
                to_stamp.append(alert)
            continue
        returning = alert is not None and alert.status == Alert.Status.DISMISSED
        if returning and not _worse(hit, fields["evidence"], alert):
            result.suppressed += 1
            continue
        if returning:
            fields["details"] = {**fields["details"], "returned_after_dismissed_alert": alert.pk}
            result.returned += 1
        else:
            result.raised += 1
        to_create.append(
            Alert(
                rule=hit.rule,
                key=hit.key,
                pupil_id=hit.pupil_id,
                enrolment_id=hit.enrolment_id,
                school=school,
                raised_on=as_of,
                status=Alert.Status.NEW,
                peak_measure=float(hit.measure),
                raised_measure=float(hit.measure),
                **fields,
            )
        )
    return to_create, to_update, to_stamp, hit_keys


def _update_open(alert: Alert, hit: RuleHit, fields: dict) -> bool:
    """Bring an open alert up to the hit; True when what it says changed (not only its fingerprint)."""
    returned_after = (alert.details or {}).get("returned_after_dismissed_alert")
    if returned_after:  # kept: the work list marks an alert that came back after a dismissal
        fields["details"] = {**fields["details"], "returned_after_dismissed_alert": returned_after}
    if all(getattr(alert, name) == fields[name] for name in COMPARED):
        alert.evaluated_digest = fields["evaluated_digest"]
        return False
    for name, value in fields.items():
        setattr(alert, name, value)
    alert.peak_measure = max(alert.peak_measure, float(hit.measure))
    return True


def _to_clear(latest: dict, hit_keys: set, as_of: dt.date, cohort) -> list[int]:
    """Open alerts that no longer fire; linked ones stay with their case. A daily alert (first_day,
    missing_register) for a later day than as_of is left alone, so replaying an earlier day changes nothing."""
    to_clear: list[int] = []
    for key, alert in latest.items():
        if (
            alert is None
            or key in hit_keys
            or alert.status not in (Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)
        ):
            continue
        if alert.rule in DAILY_RULES and alert.key[:10] > as_of.isoformat():
            continue
        if alert.rule == "cohort" and cohort is None:
            continue
        to_clear.append(alert.pk)
    return to_clear


@transaction.atomic
def _evaluate_school(
    school: School,
    *,
    as_of: dt.date,
    at: dt.time,
    cohort: list[RuleHit] | None = None,
    enrolment_ids: frozenset[int] | None = None,
) -> EvaluationResult:
    """`cohort`: this school's rule-10 hits, or None when they could not be worked out (open ones then stay).
    `enrolment_ids`: only these enrolments' pupil rules (with the school-level rules)."""
    result = EvaluationResult(schools=1)
    context, pupils = load_school(school, as_of=as_of, now=at, enrolment_ids=enrolment_ids)
    result.pupils = len(pupils)
    hits: list[RuleHit] = list(missing_register(context)) + list(cohort or [])
    for pupil in pupils:
        hits.extend(evaluate_pupil(pupil))
    contacts = _contacts({h.pupil_id for h in hits if h.rule == "first_day" and h.pupil_id is not None})
    latest = _latest_alerts(school, as_of, enrolment_ids)
    to_create, to_update, to_stamp, hit_keys = _apply_hits(hits, latest, school, as_of, contacts, result)
    to_clear = _to_clear(latest, hit_keys, as_of, cohort)
    stamp = timezone.now()
    for start in range(0, len(to_clear), 500):
        # Conditional on the status, and bumping the version: an alert an officer has just linked or dismissed
        # keeps their decision, and an officer acting on a page that showed the alert open is told it cleared.
        result.cleared += Alert.objects.filter(
            pk__in=to_clear[start : start + 500], status__in=(Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)
        ).update(
            status=Alert.Status.CLEARED,
            cleared_on=as_of,
            last_evaluated_on=as_of,
            status_changed_at=stamp,
            status_changed_by=None,
            updated_at=stamp,
            version=F("version") + 1,
        )
    if to_update:
        for alert in to_update:
            alert.updated_at = stamp
        # Never the status: an officer may have acted on the alert since it was read.
        Alert.objects.bulk_update(
            to_update,
            [*COMPARED, "peak_measure", "last_evaluated_on", "updated_at", "evaluated_digest"],
            batch_size=500,
        )
    Alert.objects.bulk_update(to_stamp, ["evaluated_digest"], batch_size=500)
    Alert.objects.bulk_create(to_create, batch_size=500)
    return result
