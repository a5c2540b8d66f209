"""The support plan as a document for the parents, through Letters: the shipped `action_plan` template.

One message per liable contact (everyone with parental responsibility, each at their own address: formal
letters go to each of them), made with `attend.letters.compose.compose` and `services.message_create`, then sent
(`message_send`: an email goes out, a letter printed by staff is recorded as sent, a posted one goes to Notify).
Each message goes on the case's chronology through `record_message`, which the letters signal also calls.

The shipped template prints `{{ meeting.agenda }}` under "What we agreed" and `{{ meeting.date }}` as the review,
so the plan fills those as well as the `plan` namespace a template of the LA's own may use.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from attend import audit
from attend.letters.compose import MessageError, compose, liable_contacts
from attend.letters.context import Meeting, Plan
from attend.letters.models import Message
from attend.letters.services import message_create, message_send

from .chronology import record_message
from .models import SupportPlan
from .plans import action_line

TEMPLATE = "action_plan"
ROUTES = (
    (Message.Route.PRINT, "Print it here to post or hand over"),
    (Message.Route.POST, "Post it (GOV.UK Notify, first class)"),
    (Message.Route.EMAIL, "Email it"),
)


def plan_fields(plan: SupportPlan) -> Plan:
    return Plan(
        title=plan.title,
        goal=plan.goal,
        review_date=plan.review_date,
        actions=[action_line(a) for a in plan.actions.all()],
    )


def agreed_text(plan: SupportPlan) -> str:
    """What the shipped template prints under "What we agreed": the goal, then a bullet per action."""
    lines = [f"Our goal: {plan.goal}." if plan.goal else f"The {plan.title.lower()}."]
    actions = [f"- {action_line(a)}" for a in plan.actions.all()]
    return "\n".join(lines) + ("\n\n" + "\n".join(actions) if actions else "")


def plan_send(plan: SupportPlan, *, by, route: str, as_of: dt.date) -> list[Message]:
    """Send the plan to each liable contact by `route`. Refused (MessageError) with the reason when the plan has
    no actions, the pupil has no liable contact, or a contact has no address for the route: then nothing is
    sent to anyone, so the parents are never told different things."""
    case = plan.case
    if case.pupil_id is None:
        raise MessageError("Link this case to the pupil's record before sending the plan.")
    if not plan.actions.exists():
        raise MessageError("Add at least one action before sending the plan to the parents.")
    contacts = [pc.contact for pc in liable_contacts(case.pupil)]
    if not contacts:
        raise MessageError(
            "There is no parent or carer with parental responsibility on record for this pupil."
        )
    meeting = Meeting(kind="plan", date=plan.review_date, agenda=agreed_text(plan))
    drafts = [
        compose(
            template_name=TEMPLATE,
            pupil=case.pupil,
            contact=contact,
            route=route,
            as_of=as_of,
            by=by,
            meeting=meeting,
            plan=plan_fields(plan),
        )
        for contact in contacts
    ]
    key_base = f"{TEMPLATE}/plan-{plan.pk}-v{plan.version}-{plan.actions.count()}"
    with transaction.atomic():
        messages = [
            message_create(
                draft,
                as_of=as_of,
                by=by,
                key=f"{key_base}/{draft.contact.contact_ref}/{route}/{as_of.isoformat()}",
            )
            for draft in drafts
        ]
        audit.record(
            "casework.plan.sent", by=by, obj=plan, pupil=case.pupil, school=case.school,
            data={"case": case.ref, "route": route, "messages": [m.pk for m in messages]},
        )  # fmt: skip
    sent = []
    for message in messages:
        message = message_send(message, by=by)
        record_message(case, message, by=by, summary=f"Support plan ({message.get_route_display().lower()}) "
                       f"to {message.recipient.splitlines()[0]}")  # fmt: skip
        sent.append(message)
    return sent
