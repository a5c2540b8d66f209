"""Issue 23 item 19: words a person meets on the work list, the alerts page and the pupil page, not the service's
arithmetic, ISO dates or internal flags: why a row is high (the figures kept in a details element), one date
format, what "review context first" asks you to review, and the SEN flag in words."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from attend.accounts.models import Membership
from attend.alerts import wording, worklist, worklist_csv
from attend.alerts.models import Alert
from attend.casework.models import PupilCircumstance
from attend.core.tests.factories import make_pupil, make_school, make_user
from attend.people.models import Enrolment, Pupil

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 19)  # a Wednesday in the autumn term


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _alert(pupil, school, rule, *, raised_on=TODAY, since=None, flags=(), measure=12):
    return Alert.objects.create(
        rule=rule, pupil=pupil, enrolment=Enrolment.objects.get(pupil=pupil), school=school, raised_on=raised_on,
        last_evaluated_on=TODAY, reason=f"{rule} reason", evidence=[], measure=measure, peak_measure=measure,
        details={"since": since.isoformat()} if since else {}, flags=list(flags),
        review_context_first="review_context_first" in flags,
    )  # fmt: skip


@pytest.fixture
def world(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    monkeypatch.setenv("ATTEND_WEB_TODAY", TODAY.isoformat())
    school = make_school(name="Alder Primary")
    pupil = make_pupil(school=school, surname="Ashdown", legal_forename="Robin", looked_after=True)
    severe = _alert(pupil, school, "severe_absence", since=dt.date(2025, 11, 17), measure=52)
    _alert(pupil, school, "persistent_absence", raised_on=dt.date(2025, 10, 1))
    officer = make_user("la.officer", role=Membership.Role.LA_OFFICER, local_authority=school.local_authority)
    return {"school": school, "pupil": pupil, "severe": severe, "officer": officer}


def test_and_list_joins_parts_as_a_sentence():
    assert wording.and_list([]) == ""
    assert wording.and_list(["a"]) == "a"
    assert wording.and_list(["a", "b"]) == "a and b"
    assert wording.and_list(["a", "", "b", "c"]) == "a, b, and c"


def test_a_rows_priority_is_said_in_words_and_the_figures_sit_in_a_details_element(client, world):
    client.force_login(world["officer"])
    response = client.get(f"/work/?list=school&school={world['school'].urn}")
    body, words = response.content.decode(), text(response)
    why = "Severe absence, another open alert, a social worker (looked after), and newly raised"
    assert f"{why}" in words
    # The arithmetic is still there, but inside "How the priority is worked out", not as the row's text.
    assert "How the priority is worked out" in words
    details = re.search(r'<details class="govuk-details[^"]*">(.*?)</details>', body, re.S).group(1)
    workings = text(type("R", (), {"content": details.encode()}))
    assert "Severe absence: 70" in workings and "Also persistent absence: +5" in workings
    assert (
        "Looked after (has a social worker): +30" in workings
        and "Newly raised (since 17 Nov): +15" in workings
    )
    assert "Priority: 120" in workings
    outside = body.replace(details, "")
    assert (
        "Severe absence 70" not in outside
        and "+15" not in outside
        and "Priority 120" not in text(type("R", (), {"content": outside.encode()}))
    )


def test_the_alerts_page_says_why_in_words_and_keeps_the_figures_in_details(client, world):
    client.force_login(world["officer"])
    words = text(client.get(f"/work/pupils/{world['pupil'].upn}/"))
    assert (
        "Why this is high on the work list: Severe absence, another open alert, a social worker (looked after), "
        "and newly raised." in words
    )
    assert "How the priority is worked out" in words and "Priority: 120" in words
    assert "Priority 120:" not in words


def test_a_row_with_nothing_extra_is_one_phrase():
    school = make_school()
    pupil = make_pupil(school=school)
    alert = _alert(pupil, school, "persistent_absence", raised_on=dt.date(2025, 10, 1))
    (row,) = worklist.group_rows([alert], TODAY)
    assert row.why_text == "Persistent absence" and row.score == 30


def test_dates_on_the_alerts_page_are_in_one_format_not_iso(client, world):
    client.force_login(world["officer"])
    words = text(client.get(f"/work/pupils/{world['pupil'].upn}/"))
    assert "Raised 19 November 2025; threshold met 17 November 2025." in words
    assert "2025-11-17" not in words and "19 Nov 2025" not in words and "1 Oct 2025" not in words
    assert "raised 1 October 2025" not in words  # open alerts are cards, each "Raised ..."
    assert "Raised 1 October 2025" in words


def test_dates_in_the_pupil_pages_alert_list_are_in_the_same_format(client, world):
    client.force_login(world["officer"])
    words = text(client.get(f"/pupils/{world['pupil'].upn}/"))
    assert "Severe absence (raised 19 November 2025)" in words
    assert "Persistent absence (raised 1 October 2025)" in words
    assert "19 Nov 2025" not in words


def test_review_context_first_says_what_to_review_on_the_row_and_the_alerts_page(client, world):
    pupil, school = world["pupil"], world["school"]
    Pupil.objects.filter(pk=pupil.pk).update(sen_status="E")
    PupilCircumstance.objects.create(pupil=pupil, kind="bereavement", summary="Grandparent died in October",
                                     start=dt.date(2025, 10, 20))  # fmt: skip
    PupilCircumstance.objects.create(pupil=pupil, kind="medical_condition", summary="Broken leg, healed",
                                     start=dt.date(2025, 9, 1), end=dt.date(2025, 10, 1))  # fmt: skip
    Alert.objects.filter(pk=world["severe"].pk).update(
        review_context_first=True, flags=["review_context_first"]
    )
    client.force_login(world["officer"])
    said = "Before acting, weigh an EHC plan and a bereavement (Grandparent died in October)."
    row = text(client.get(f"/work/?list=school&school={school.urn}"))
    assert f"Review context first {said}" in row
    assert "Broken leg" not in row  # ended before today: not current context
    page = text(client.get(f"/work/pupils/{pupil.upn}/"))
    assert f"Review context first. {said}" in page
    assert "(EHC plan or a recorded circumstance)" not in page


def test_review_context_first_with_nothing_current_says_so(client, world):
    Alert.objects.filter(pk=world["severe"].pk).update(review_context_first=True)
    client.force_login(world["officer"])
    row = text(client.get(f"/work/?list=school&school={world['school'].urn}"))
    assert "one was recorded when the alert was raised, and none is current now" in row


def test_a_row_without_the_flag_says_nothing_about_context(client, world):
    Pupil.objects.filter(pk=world["pupil"].pk).update(sen_status="E")
    client.force_login(world["officer"])
    row = text(client.get(f"/work/?list=school&school={world['school'].urn}"))
    assert "Review context first" not in row and "Before acting" not in row


@pytest.mark.parametrize(
    ("status", "shown", "not_shown"),
    [
        ("K", "Special educational needs: SEN support", "SEN: SEN support"),
        ("E", "Education, health and care (EHC) plan", "SEN: Education"),
        ("N", None, "special educational needs"),
    ],
)
def test_the_sen_flag_is_in_words_without_repeating_sen(client, world, status, shown, not_shown):
    Pupil.objects.filter(pk=world["pupil"].pk).update(sen_status=status)
    client.force_login(world["officer"])
    words = text(client.get(f"/pupils/{world['pupil'].upn}/"))
    if shown:
        assert shown in words
    assert not_shown not in words


def _back(response) -> str:
    found = re.findall(r'<a href="([^"]*)" class="govuk-back-link"[^>]*>Back</a>', response.content.decode())
    assert len(found) == 1, found
    return html.unescape(found[0])


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://testserver/work/?list=school&school={urn}", "/work/?list=school&school={urn}"),
        ("http://testserver/schools/{urn}/pupils/?sen_status=K", "/schools/{urn}/pupils/?sen_status=K"),
        ("http://testserver/pupils/", "/pupils/"),
        ("https://evil.example/work/", "/schools/{urn}/"),  # another site: never
        ("//evil.example/work/", "/schools/{urn}/"),
        ("http://testserver/sign-in/?next=/", "/schools/{urn}/"),  # not back to signing in
        ("http://testserver/no/such/page/", "/schools/{urn}/"),
        ("http://testserver/pupils/{upn}/", "/schools/{urn}/"),  # itself
        ("", "/schools/{urn}/"),
    ],
)
def test_the_pupil_page_has_a_back_link_to_a_safe_page_of_the_service(client, world, referer, expected):
    urn, upn = world["school"].urn, world["pupil"].upn
    client.force_login(world["officer"])
    response = client.get(f"/pupils/{upn}/", HTTP_REFERER=referer.format(urn=urn, upn=upn))
    assert _back(response) == expected.format(urn=urn, upn=upn)


def test_without_the_school_dashboard_the_pupil_pages_back_link_falls_back_to_search(client, world):
    social_worker = make_user(
        "sw", role=Membership.Role.SOCIAL_WORKER, local_authority=world["school"].local_authority
    )
    from attend.core.tests.factories import link

    link(social_worker, world["pupil"])
    client.force_login(social_worker)
    response = client.get(f"/pupils/{world['pupil'].upn}/")
    assert response.status_code == 200 and _back(response) == "/pupils/"


def test_the_alerts_page_has_a_back_link_to_the_list_it_came_from_else_the_work_list(client, world):
    client.force_login(world["officer"])
    upn, urn = world["pupil"].upn, world["school"].urn
    came = client.get(
        f"/work/pupils/{upn}/", HTTP_REFERER=f"http://testserver/work/?list=school&school={urn}"
    )
    assert _back(came) == f"/work/?list=school&school={urn}"
    assert _back(client.get(f"/work/pupils/{upn}/")) == "/work/"


def test_the_work_list_tabs_are_sub_navigation_with_the_current_list_marked(client, world):
    client.force_login(world["officer"])
    urn = world["school"].urn
    body = client.get(f"/work/?list=school&school={urn}").content.decode()
    nav = re.search(r'<nav class="govuk-tabs" aria-labelledby="work-tabs-title"[^>]*>(.*?)</nav>', body, re.S)
    assert nav, "the lists are a labelled navigation landmark"
    items = re.findall(
        r'<li class="([^"]*)"><a class="govuk-tabs__tab" href="([^"]*)"([^>]*)>([^<]*)</a></li>', nav[1]
    )
    assert [(title, href) for _, href, _, title in items] == [
        ("My list today", "?list=mine"),
        ("Team list today (no named officer)", "?list=team"),
        ("School list", f"?list=school&amp;school={urn}"),
        ("Local authority list", "?list=la"),
        ("All open alerts", "?list=all"),
    ]
    current = [(cls, attrs, title) for cls, _, attrs, title in items if 'aria-current="page"' in attrs]
    assert current == [
        ("govuk-tabs__list-item govuk-tabs__list-item--selected", ' aria-current="page"', "School list")
    ]
    assert sum("--selected" in cls for cls, *_ in items) == 1
    assert '<h2 class="govuk-tabs__title" id="work-tabs-title">Lists</h2>' in nav[1]


def test_a_school_officer_has_no_la_tab_and_their_current_list_is_marked(client, world):
    officer = make_user("school.officer", role=Membership.Role.SCHOOL_OFFICER, school=world["school"])
    client.force_login(officer)
    body = client.get("/work/?list=team").content.decode()
    assert "Local authority list" not in body
    assert '<a class="govuk-tabs__tab" href="?list=team" aria-current="page">' in body
    assert body.count('aria-current="page"') == 2  # the service menu's "Work" and this tab


def test_the_work_list_csv_has_headings_in_words_and_a_link_instead_of_alert_ids(client, world):
    import csv
    import io

    client.force_login(world["officer"])
    urn = world["school"].urn
    response = client.get(f"/work/list.csv?list=school&school={urn}")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == worklist_csv.CSV_COLUMNS
    assert "alert_ids" not in rows[0] and not [h for h in rows[0] if "_" in h]
    (row,) = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    upn = world["pupil"].upn
    assert row["Alerts page"] == f"http://testserver/work/pupils/{upn}/"
    assert row["Alerts"] == "Severe absence; Persistent absence"
    assert row["Statuses"] == "New; New" and row["On today's list"] == "Yes"  # severe absence, newly crossed
    assert (
        row["Why this order"]
        == "Severe absence, another open alert, a social worker (looked after), and newly raised"
    )
    assert row["Priority"] == "120" and row["How the priority is worked out"].endswith("= 120")
    assert row["Raised on"] == "2025-10-01" and row["School URN"] == str(urn)
    assert str(world["severe"].pk) not in [row["Alerts"], row["Statuses"]]


def test_a_whole_school_row_links_to_the_schools_list():
    school = make_school()
    alert = Alert.objects.create(
        rule="missing_register", school=school, raised_on=TODAY, last_evaluated_on=TODAY, key="2025-11-19 AM",
        reason="Register not taken", evidence=[], measure=1, peak_measure=1,
    )  # fmt: skip
    (row,) = worklist.group_rows([alert], TODAY)
    assert worklist_csv.row_link(row, "https://attend.example") == (
        f"https://attend.example/work/?list=school&school={school.urn}"
    )


def test_the_message_after_a_lost_change_gives_the_date_in_the_same_format(client, world):
    from django.utils import timezone

    from attend.alerts.services import conflict_message

    alert = world["severe"]
    when = timezone.make_aware(dt.datetime(2025, 11, 19, 9, 5))
    Alert.objects.filter(pk=alert.pk).update(
        status="acknowledged", status_changed_at=when, status_changed_by=None
    )
    alert.refresh_from_db()
    message = conflict_message(alert)
    assert "09:05 on 19 November 2025" in message and "19 Nov 2025" not in message


def test_a_pupil_who_has_left_shows_no_current_circumstance_on_the_old_schools_row(world):
    pupil = world["pupil"]
    PupilCircumstance.objects.create(pupil=pupil, kind="bereavement", summary="Private detail",
                                     start=dt.date(2025, 10, 20))  # fmt: skip
    Alert.objects.filter(pk=world["severe"].pk).update(review_context_first=True)
    alerts = list(Alert.objects.filter(pupil=pupil))
    (row,) = worklist.group_rows(alerts, TODAY, read_only={pupil.pk})
    assert row.context == [] and "Private detail" not in row.context_text
    assert (
        row.context_text == "When the alert was raised, the pupil had an EHC plan or a circumstance to weigh."
    )
    (current,) = worklist.group_rows(alerts, TODAY)
    assert current.context == ["a bereavement (Private detail)"]
