"""The ladder in the demo LA: `add_demo_ladder(cases, *, by, school_lead=None)`.

Call it from the demo command after the casework demo (attend/demo/management/commands/demo.py, `record_casework`,
after `add_demo_plans`): `add_demo_ladder(cases, by=officer, school_lead=User.objects.get(username="school.lead"))`
or with any attendance lead. It saves a version of the LA's code of conduct (a notice to improve first, 4 weeks, at
most 2 unauthorised sessions), then for the open cases at "formalise support" or "enforce": the first gets a
signed attendance contract, the second a notice to improve in force (on the work list), the third a school request
waiting for the LA. Everything goes through the services, so the chronology, stages and audit show it as for an
officer's work; a case whose pupil has no parent on record is skipped.
"""

from __future__ import annotations

import datetime as dt

from attend.casework.models import Stage
from attend.core import clock
from attend.letters.compose import liable_contacts

from . import codes, contracts, ntis, requests
from .checks import record_check
from .models import FormalCheck
from .steps_ladder import StepRefused, la_of, school_on

P = FormalCheck.Purpose


def _check(pupil, purpose, by, today) -> None:
    rows = {"eso": "no", "barriers": "no"}
    notes = {k: "Discussed with the family and the school: support first, and this step is proportionate" for k in
             ("safeguarding", "send", "barriers", "part_time", "code_n", "dual_ap", "school_age", "eso")}  # fmt: skip
    record_check(pupil, purpose=purpose, by=by, start=today - dt.timedelta(weeks=4), end=today, answers=rows,
                 notes=notes)  # fmt: skip


def add_demo_ladder(cases, *, by, school_lead=None) -> dict[str, int]:
    today = clock.today()
    made = {"codes": 0, "contracts": 0, "ntis": 0, "requests": 0}
    steps = [c for c in cases if c.is_open and c.pupil_id and c.stage in (Stage.FORMALISE, Stage.ENFORCE)]
    if steps:
        la = la_of(steps[0].pupil, today)
        values = {**codes.DEFAULT_VALUES, "nti_required": True, "sufficient_max_unauthorised": 2,
                  "sufficient_improvement": "No more than 2 unauthorised sessions in the 4 weeks."}  # fmt: skip
        try:
            codes.new_version(la, by=by, effective_from=dt.date(today.year - 1, 9, 1), values=values)
            made["codes"] += 1
        except codes.CodeRefused:
            pass
    todo = ["contract", "nti", "request"]
    for case in steps:
        if not todo:
            break
        pupil = case.pupil
        parents = [pc.contact for pc in liable_contacts(pupil)]
        if not parents:
            continue
        try:
            if todo[0] == "contract":
                _check(pupil, P.CONTRACT, by, today)
                contract = contracts.create_contract(
                    pupil, parents=parents, by=by, starts_on=today, review_on=today + dt.timedelta(weeks=5),
                    support_offered="A morning check-in with the attendance mentor, and a place at breakfast club.",
                    parent_commitments="- Get to school by 8.40 every day\n- Call the school by 9.00 on any absence",
                    pupil_commitments="Go to the morning check-in.",
                )  # fmt: skip
                contracts.sign(contract, by=by, on=today)
            elif todo[0] == "nti":
                _check(pupil, P.NOTICE_TO_IMPROVE, by, today)
                ntis.issue_nti(pupil, parents=parents, by=by, issued_on=today,
                               support_offered="Weekly meetings with the attendance officer; a plan for mornings.")  # fmt: skip
            else:
                school = school_on(pupil, today)
                requests.submit(pupil, school=school, by=school_lead or by, reason="other", parents=parents[:1],
                                period_start=today - dt.timedelta(weeks=6), period_end=today,
                                summary="Unauthorised absence most Mondays; the contract offered was declined.")  # fmt: skip
        except StepRefused:
            continue
        made[{"contract": "contracts", "nti": "ntis", "request": "requests"}[todo.pop(0)]] += 1
    return made
