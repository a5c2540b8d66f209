"""The contract and the notice to improve as documents, through Letters (issue 19: "produced as a document for
signature"; "produced as a PDF"). The wording below replaces the shipped placeholders `attendance_contract` and
`notice_to_improve` (data migration letters 00NN_enforcement_ladder_templates); an LA or school may edit its own
copy in the letters library as with any template.

Letters' merge fields are a closed list (attend/letters/fields.py), so the documents carry their content in the
`meeting` and `plan` namespaces, as the support plan letter does:
- contract: plan.title "Attendance contract", plan.goal the parties, meeting.agenda the support offered,
  plan.actions the parent's commitments (a bullet each), meeting.record the pupil's commitments, meeting.date the
  start, plan.review_date the first review, meeting.place "For <the LA>" when the LA is a party (its signature
  line; none otherwise);
- notice to improve: plan.title "Notice to improve", meeting.agenda the support offered, meeting.date the start of
  the improvement period, plan.review_date its end, plan.goal what sufficient improvement means (from the code).
One copy per parent named (each at their own address), joined into one PDF for printing.
"""

from __future__ import annotations

import datetime as dt

from attend.letters.compose import MessageError, compose
from attend.letters.context import Meeting, Plan
from attend.letters.models import Message
from attend.letters.render import pdf_many

from .models import AttendanceContract, NoticeToImprove
from .steps_ladder import StepRefused

_SIGNATURE = "Signed: ________________________________    Date: ______________"

CONTRACT_SUBJECT = "Attendance contract for {{ pupil.full_name }}"
CONTRACT_BODY = f"""Dear {{{{ parent.salutation }}}}

This attendance contract is an agreement between {{{{ plan.goal }}}}. It sets out the support we will give and \
what each of us agrees to do so that {{{{ pupil.forename }}}} can attend school every day.

{{{{ pupil.forename }}}} has missed {{{{ attendance.days_missed }}}} of school {{{{ attendance.period }}}} \
({{{{ attendance.hours_missed }}}} of learning).

## The support we will give

{{{{ meeting.agenda }}}}

## What you agree to do

{{{{ plan.actions }}}}
{{% if meeting.record %}}
## What {{{{ pupil.forename }}}} agrees to do

{{{{ meeting.record }}}}
{{% endif %}}
## How long it lasts

The contract starts on {{{{ meeting.date }}}}. We will meet to review it on {{{{ plan.review_date }}}}, and about \
every 4 to 6 weeks after that.

The contract is voluntary. If you decide not to sign it, we will record that you were offered it and why you \
declined: it may be taken into account if formal action is considered later.

## Signatures

Parent or carer: {{{{ parent.full_name }}}}
{_SIGNATURE}
{{% if meeting.record %}}
Pupil: {{{{ pupil.full_name }}}}
{_SIGNATURE}
{{% endif %}}
For {{{{ school.name }}}}
{_SIGNATURE}

{{% if meeting.place %}}
{{{{ meeting.place }}}}
{_SIGNATURE}
{{% endif %}}

{{{{ officer.name }}}}
{{{{ officer.role }}}}"""

NTI_SUBJECT = "Notice to improve: {{ pupil.full_name }}'s attendance"
NTI_BODY = """Dear {{ parent.salutation }}

## Notice to improve

This is a formal notice about {{ pupil.full_name }}'s attendance at {{ school.name }}. {{ pupil.forename }} has \
missed {{ attendance.days_missed }} of school {{ attendance.period }} ({{ attendance.hours_missed }} of learning); \
attendance is {{ attendance.percentage }}.

We have offered help and we want to keep working with you. This notice is a final chance to take up that help \
before {{ la.name }} considers a penalty notice.

## The support offered

{{ meeting.agenda }}

## The improvement period

From {{ meeting.date }} to {{ plan.review_date }}.

## What sufficient improvement means

{{ plan.goal }}

## What happens next

At the end of the improvement period we will look at {{ pupil.forename }}'s attendance. If it has improved \
sufficiently, no penalty notice will be issued for the absences before this notice. If it has not, a penalty \
notice may be issued to each parent (Education Act 1996 s444A), under {{ la.name }}'s code of conduct.

If something is making attendance difficult, please call {{ officer.name }} on {{ officer.phone }} straight away.

Yours sincerely

{{ officer.name }}
{{ officer.role }}"""


def _pdf(template: str, pupil, parents, *, by, on: dt.date, meeting: Meeting, plan: Plan) -> bytes:
    try:
        drafts = [
            compose(
                template_name=template,
                pupil=pupil,
                contact=p,
                route=Message.Route.PRINT,
                as_of=on,
                by=by,
                meeting=meeting,
                plan=plan,
                with_pdf=False,
            )  # fmt: skip
            for p in parents
        ]
    except MessageError as e:
        raise StepRefused(str(e)) from None
    return pdf_many([d.html for d in drafts])


def _lines(text: str) -> list[str]:
    return [line.strip().lstrip("-• ").strip() for line in text.splitlines() if line.strip()]


def parties_text(contract: AttendanceContract) -> str:
    names = [f"{p.forename} {p.surname}" for p in contract.parents.all()]
    pupil = contract.pupil
    if contract.pupil_party:
        names.append(f"{pupil.preferred_forename or pupil.legal_forename} {pupil.legal_surname}")
    if contract.school_id:
        names.append(contract.school.name)
    if contract.la_party and contract.school_id:
        names.append(contract.school.local_authority.name)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def contract_pdf(contract: AttendanceContract, *, by, on: dt.date) -> bytes:
    """The contract for signature: one copy per parent, with a signature line for each party."""
    meeting = Meeting(
        kind="contract", date=contract.starts_on, agenda=contract.support_offered,
        record=contract.pupil_commitments if contract.pupil_party else "",
        place=f"For {contract.school.local_authority.name}" if contract.la_party and contract.school_id else "",
    )  # fmt: skip
    plan = Plan(title="Attendance contract", goal=parties_text(contract), review_date=contract.review_on,
                actions=_lines(contract.parent_commitments))  # fmt: skip
    parents = list(contract.parents.all())
    return _pdf("attendance_contract", contract.pupil, parents, by=by, on=on, meeting=meeting, plan=plan)


def nti_pdf(nti: NoticeToImprove, *, by, on: dt.date) -> bytes:
    meeting = Meeting(kind="notice to improve", date=nti.period_start, agenda=nti.support_offered)
    plan = Plan(title="Notice to improve", goal=nti.sufficient_improvement, review_date=nti.period_end)
    return _pdf("notice_to_improve", nti.pupil, list(nti.parents.all()), by=by, on=nti.issued_on, meeting=meeting,
                plan=plan)  # fmt: skip
