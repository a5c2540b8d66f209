"""The work lists on the demo LA (short, ordered, every row explained), their CSV, and acting on alerts with
optimistic locking through the web client (two officers, one alert, one version)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from attend.accounts.models import Membership
from attend.alerts import worklist, worklist_csv
from attend.alerts.events import EVENT_RULES
from attend.alerts.models import OPEN_STATUSES, Alert, OfficerAssignment
from attend.audit.models import AuditEvent
from attend.casework.demo import record_demo_part_time_timetables
from attend.core import clock
from attend.core.tests.factories import link, make_user
from attend.demo.generator import FILES, DemoConfig, generate
from attend.demo.management.commands.demo import IMPORT_ORDER
from attend.demo.management.commands.demo import Command as DemoCommand
from attend.schools.models import School

pytestmark = pytest.mark.django_db


def signed_in(client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


# A fixed school day, so the list does not depend on the day the tests run (a holiday would empty "today").
PATCH_DAY = dt.date(2025, 11, 20)


@pytest.fixture
def patch_demo(settings, tmp_path, monkeypatch):
    """A demo LA of 1,600 pupils in 4 schools with marks up to Thu 20 Nov 2025, evaluated at the end of that day,
    with the LA officer named for all four schools (a patch of 1,600 pupils, about a fifth of a real LA officer's).
    Built as `attend demo` builds it, with the end date fixed; the pages' today is pinned to the same day."""
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("ATTEND_TODAY", PATCH_DAY.isoformat())
    config = DemoConfig(pupils=1600, schools=4, seed=1, end=PATCH_DAY)
    rows = generate(config).write(tmp_path)
    for kind, name in zip(IMPORT_ORDER, FILES, strict=True):
        assert rows[name] > 0
        call_command("import", kind, str(tmp_path / name), stdout=io.StringIO())
    record_demo_part_time_timetables(school_ids=School.objects.values("pk"))
    call_command("alerts", "evaluate", "--as-of", PATCH_DAY.isoformat(), stderr=io.StringIO())
    DemoCommand().create_users(config.la_code)
    officer = get_user_model().objects.get(username="la.officer")
    for school in School.objects.all():
        OfficerAssignment.objects.update_or_create(school=school, side="la", defaults={"officer": officer})
    return tmp_path


def test_the_la_officers_list_today_is_short_ordered_and_every_row_explains_itself(client, patch_demo):
    officer = signed_in(client, "la.officer")
    today = clock.today()
    patch = set(
        OfficerAssignment.objects.filter(officer=officer, side="la").values_list("school_id", flat=True)
    )
    assert len(patch) == 4
    mine = worklist.work_list(officer, "mine", today)
    everything = worklist.work_list(officer, "all", today)
    open_alerts = Alert.objects.filter(status__in=OPEN_STATUSES).count()
    # Short: a fraction of the open alerts, grouped one row per pupil, well within the page's top N.
    assert 0 < mine.total <= worklist.TOP_N
    assert mine.total * 10 <= everything.total
    assert everything.total < open_alerts  # grouping: one row per pupil, not per alert
    # Ordered by score, and the score is the sum of its named parts.
    scores = [row.score for row in mine.rows]
    assert scores == sorted(scores, reverse=True)
    for row in mine.rows:
        assert row.score == sum(points for _, points in row.because)
        assert row.because[0][0] == worklist.rule_title(row.top.rule)
        assert row.reason and row.next_step and row.top.reason == row.reason
        # Routed to this officer: an LA-side item for today, at a school in the officer's patch.
        assert row.school.pk in patch
        assert worklist.side_of(row.top.rule) == "la" and worklist.is_for_today(row.top, today)
    page = client.get("/work/")
    assert page.status_code == 200
    body = text(page)
    assert "Work list: my list today" in body
    assert body.count("All alerts, dismiss or open a case") == mine.total
    for row in mine.rows:
        assert row.reason in body and row.why_text in body


def test_home_shows_the_top_of_my_list_with_reasons(client, patch_demo):
    officer = signed_in(client, "la.officer")
    mine = worklist.work_list(officer, "mine", clock.today())
    body = text(client.get("/"))
    assert "My list today" in body and "You are the named officer for" in body
    shown = mine.rows[:5]
    for row in shown:
        assert f"{row.next_step}. (high on the list: {row.why_text})" in body
    assert body.count("(high on the list: ") == len(shown)
    if mine.total > 5:
        assert f"See all {mine.total} on my list" in body


def test_school_list_shows_the_monitored_alerts_and_the_rest_is_one_click_away(client, demo_la):
    officer = signed_in(client, "la.officer")
    school = OfficerAssignment.objects.get(officer=officer, side="la").school
    listing = worklist.work_list(officer, "school", clock.today(), school=school)
    rules = {a.rule for row in listing.rows for a in row.alerts}
    assert "persistent_absence" in rules  # monitored here, not on today's list
    assert listing.total > worklist.TOP_N
    first = client.get(f"/work/?list=school&school={school.urn}")
    assert text(first).count("All alerts, dismiss or open a case") == worklist.TOP_N
    assert f"Show all {listing.total} rows" in text(first)
    every = client.get(f"/work/?list=school&school={school.urn}&show=all")
    assert text(every).count("All alerts, dismiss or open a case") == min(listing.total, 100)


def test_each_list_exports_as_csv_with_the_reasons_and_is_audited(client, demo_la):
    officer = signed_in(client, "la.officer")
    listing = worklist.work_list(officer, "la", clock.today())
    response = client.get("/work/list.csv?list=la")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == worklist_csv.CSV_COLUMNS
    assert len(rows) == listing.total + 1
    assert [r[0] for r in rows[1:4]] == ["1", "2", "3"]
    assert all(r[8] and r[9] and r[2] for r in rows[1:])  # reason, next step, why this order
    event = AuditEvent.objects.get(action="alerts.work_list.exported")
    assert event.data["rows"] == listing.total and event.actor == officer


def test_a_name_a_spreadsheet_would_run_is_exported_as_text(client, demo_la):
    officer = signed_in(client, "la.officer")
    first = worklist.work_list(officer, "la", clock.today()).rows[0].pupil
    first.preferred_forename = '=HYPERLINK("http://example.invalid","x")'
    first.legal_surname = "Testpupil"
    first.save()
    rows = list(csv.reader(io.StringIO(client.get("/work/list.csv?list=la").content.decode())))
    # The new name may move the pupil in the list (rows with the same priority are in name order): find the row.
    names = [row[4] for row in rows[1:] if row[3] == first.upn]
    assert names and set(names) == {'\'=HYPERLINK("http://example.invalid","x") Testpupil'}


def test_the_school_officer_sees_only_their_school(client, demo_la):
    officer = signed_in(client, "school.officer")
    school = officer.memberships.get().school
    listing = worklist.work_list(officer, "all", clock.today())
    assert listing.total > 0 and {row.school.pk for row in listing.rows} == {school.pk}
    other = Alert.objects.exclude(school=school).exclude(pupil=None).filter(status="new").first()
    response = client.post(
        f"/work/alerts/{other.pk}/", {"action": "acknowledge", "version": other.version, "next": "/work/"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "new"


def _officers(school):
    first = make_user("amira", role=Membership.Role.SCHOOL_OFFICER, school=school)
    first.first_name, first.last_name = "Amira", "Khan"
    first.save()
    second = make_user("ben", role=Membership.Role.SCHOOL_OFFICER, school=school)
    return first, second


def test_two_officers_acting_on_the_same_version_the_second_is_told_who_changed_it(client, demo_la):
    # A rule's alert (event items such as a timetable past its review are raised, and audited, by their own sync).
    alert = (
        Alert.objects.filter(status="new")
        .exclude(pupil=None)
        .exclude(rule__in=EVENT_RULES)
        .order_by("id")
        .first()
    )
    first, second = _officers(alert.school)
    version = alert.version
    client.force_login(first)
    page = f"/work/pupils/{alert.pupil.upn}/"
    won = client.post(
        f"/work/alerts/{alert.pk}/",
        {
            "action": "dismiss",
            "version": version,
            "reason": "Family moved away; CME enquiry made",
            "next": page,
        },
        follow=True,
    )
    assert "dismissed (Family moved away; CME enquiry made)" in text(won)

    client.force_login(second)
    lost = client.post(
        f"/work/alerts/{alert.pk}/", {"action": "acknowledge", "version": version, "next": page}, follow=True
    )
    message = text(lost)
    assert "Amira Khan changed this alert at" in message
    assert "it is now dismissed (reason: “Family moved away; CME enquiry made”)" in message
    assert "Your change was not saved" in message
    alert.refresh_from_db()
    assert (alert.status, alert.status_changed_by, alert.version) == ("dismissed", first, version + 1)
    events = AuditEvent.objects.filter(object_id=str(alert.pk), action__startswith="alerts.alert.")
    assert [(e.action, e.actor) for e in events] == [("alerts.alert.dismissed", first)]


def test_acknowledge_then_link_from_the_page_and_a_dismissal_needs_a_reason(client, demo_la):
    # A rule alert (event alerts, such as a returned letter in the demo's letters, carry their own raise events).
    alert = (
        Alert.objects.filter(status="new")
        .exclude(pupil=None)
        .exclude(rule__in=EVENT_RULES)
        .order_by("-id")
        .first()
    )
    officer, _ = _officers(alert.school)
    client.force_login(officer)
    url = f"/work/alerts/{alert.pk}/"
    client.post(url, {"action": "acknowledge", "version": alert.version})
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    refused = client.post(url, {"action": "dismiss", "version": alert.version, "reason": "  "}, follow=True)
    assert "Give a reason for dismissing the alert." in text(refused)
    from attend.casework.cases import open_case

    case, _ = open_case(by=officer, pupil=alert.pupil, school=alert.school)
    client.post(url, {"action": "link", "version": alert.version, "case": case.ref})
    alert.refresh_from_db()
    assert (alert.status, alert.case, alert.version) == ("linked", case, 3)
    listing = text(client.get(f"/work/pupils/{alert.pupil.upn}/"))
    assert f"Case {case.ref} open" in listing
    actions = list(
        AuditEvent.objects.filter(object_type="alerts.alert", object_id=str(alert.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["alerts.alert.acknowledged", "alerts.alert.linked"]


def test_read_only_roles_cannot_act_on_alerts(client, demo_la):
    alert = Alert.objects.filter(status="new").exclude(pupil=None).first()
    social_worker = make_user(role=Membership.Role.SOCIAL_WORKER, school=alert.school)
    link(social_worker, alert.pupil)
    client.force_login(social_worker)
    assert client.get(f"/work/pupils/{alert.pupil.upn}/").status_code == 200
    response = client.post(f"/work/alerts/{alert.pk}/", {"action": "acknowledge", "version": alert.version})
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == "new"


def test_acknowledge_with_htmx_returns_the_row_in_place(client, demo_la):
    alert = Alert.objects.filter(status="new", rule="persistent_absence").order_by("id").first()
    officer, other = _officers(alert.school)
    client.force_login(officer)
    data = {"action": "acknowledge", "version": alert.version, "rank": "3", "next": "/work/"}
    response = client.post(f"/work/alerts/{alert.pk}/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(f'<tr class="govuk-table__row" id="row-p{alert.pupil_id}">')
    assert f"Persistent absence for {alert.pupil.display_name}: acknowledged." in html.unescape(fragment)
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    client.force_login(other)
    again = client.post(f"/work/alerts/{alert.pk}/", data, HTTP_HX_REQUEST="true")
    assert "Amira Khan changed this alert at" in html.unescape(again.content.decode())


def test_with_nothing_on_my_list_today_the_work_list_opens_my_schools_list(client, demo_la):
    school = Alert.objects.filter(rule="persistent_absence").first().school
    officer, _ = _officers(school)
    OfficerAssignment.objects.update_or_create(school=school, side="school", defaults={"officer": officer})
    Alert.objects.filter(school=school, rule__in=("first_day", "missing_register")).delete()
    client.force_login(officer)
    assert worklist.work_list(officer, "mine", clock.today()).total == 0
    body = text(client.get("/work/"))
    assert f"Work list: school list, {school.name}" in body
    assert "Nothing on my list today: here is the school list." in body
    assert "Persistent absence" in body
