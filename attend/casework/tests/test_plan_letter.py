"""The plan goes to the parents through Letters: the shipped action_plan template, one message per liable
contact, each on the chronology with its message; the PDF names the actions."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

import pytest

from attend.casework.models import ChronologyEntry, EntryKind
from attend.casework.plans import action_add, plan_create
from attend.letters.models import Message
from attend.letters.tests.conftest import smtp_server  # noqa: F401  (a real local SMTP server)

from .plans_world import PLAN_START, TODAY, make_plans_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_plans_world()
    plan = plan_create(
        w["case"], by=w["la_officer"], title="Return to school plan", started_on=PLAN_START,
        review_date=dt.date(2026, 1, 7), goal_percent=Decimal("90"), goal_weeks=6,
    )  # fmt: skip
    action_add(
        plan, by=w["la_officer"], description="Walk to school with her cousin", owner="parent",
        owner_name="Mrs Okafor", starts_on=PLAN_START, due=dt.date(2025, 11, 28),
    )  # fmt: skip
    action_add(
        plan, by=w["la_officer"], description="Quiet start in the library before registration",
        owner="school", owner_name="Mrs Khan", starts_on=dt.date(2025, 11, 12), due=dt.date(2025, 12, 5),
    )  # fmt: skip
    w["plan"] = plan
    return w


def send_url(w) -> str:
    return f"/cases/{w['case'].ref}/plans/{w['plan'].pk}/send/"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_printed_plan_letters_go_to_each_parent_and_name_the_actions(client, world, tmp_path):
    client.force_login(world["la_officer"])
    response = client.post(send_url(world), {"route": "print"})
    assert response.status_code == 302
    letters = list(Message.objects.filter(pupil=world["maya"]).order_by("id"))
    assert [m.contact for m in letters] == [world["mother"], world["father"]]
    assert {m.status for m in letters} == {"sent"}
    text = pdf_text(bytes(letters[1].pdf), tmp_path)
    assert "9 Station Flats" in text and "4 Willow Road" not in text  # each parent at their own address
    assert "Our goal: 90% over the next 6 weeks." in text
    assert "Walk to school with her cousin — Mrs Okafor (parent or carer) — by 28 November 2025" in text
    assert "Quiet start in the library before registration — Mrs Khan (school) — by 5 December 2025" in text
    assert "Wednesday 7 January" in text  # the review date
    entries = ChronologyEntry.objects.filter(case=world["case"], kind=EntryKind.LETTER).order_by("id")
    assert [e.message for e in entries] == letters
    # Worded by the letters receiver, which puts every message that has gone on the open case's chronology.
    assert (
        entries[0].summary == "Follow-up action plan sent to Mrs Okafor printed for posting or handing over"
    )


def test_emailed_plan_reaches_the_parents_mailbox(client, world, smtp_server):  # noqa: F811
    client.force_login(world["school_officer"])
    client.post(send_url(world), {"route": "email"})
    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "daniel.okafor@example.com",
        "grace.okafor@example.com",
    ]
    body = smtp_server.messages[0]["message"].get_body(("plain",)).get_content()
    assert "Walk to school with her cousin — Mrs Okafor (parent or carer) — by 28 November 2025" in body
    assert ChronologyEntry.objects.filter(case=world["case"], kind=EntryKind.EMAIL).count() == 2


def test_a_plan_without_actions_or_an_address_is_refused_and_nothing_is_sent(client, world):
    client.force_login(world["la_officer"])
    world["father"].address_line1 = ""
    world["father"].save()
    page = client.post(send_url(world), {"route": "print"}).content.decode()
    assert "govuk-error-summary" in page
    assert "has no postal address" in page
    assert not Message.objects.exists()
    world["plan"].actions.all().delete()
    page = client.post(send_url(world), {"route": "email"}).content.decode()
    assert "Add at least one action before sending the plan to the parents." in page


def test_the_plan_merge_fields_are_there_for_an_las_own_template(world):
    from attend.casework.plan_letters import plan_fields
    from attend.letters.compose import compose
    from attend.letters.fields import check_template
    from attend.letters.render import render_text

    check_template("{{ plan.title }} {{ plan.goal }} {{ plan.review_date }}\n\n{{ plan.actions }}")
    draft = compose(
        template_name="action_plan", pupil=world["maya"], contact=world["mother"], route="print", as_of=TODAY,
        plan=plan_fields(world["plan"]), with_pdf=False,
    )  # fmt: skip
    assert draft.template.name == "action_plan"
    text = render_text(
        "{{ plan.goal }} by {{ plan.review_date }}\n{{ plan.actions }}",
        {"plan": plan_fields(world["plan"]).fields()},
    )
    assert text == (
        "90% over the next 6 weeks by Wednesday 7 January 2026\n"
        "- Walk to school with her cousin — Mrs Okafor (parent or carer) — by 28 November 2025\n"
        "- Quiet start in the library before registration — Mrs Khan (school) — by 5 December 2025"
    )
