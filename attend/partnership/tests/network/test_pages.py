"""The network page (see, add, change, remove; audited; linking read-only users) and "My pupils"."""

from __future__ import annotations

import datetime as dt

from attend.accounts.models import PupilLink
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_school, make_user
from attend.partnership.models import NetworkMember

from .conftest import R


def test_the_pupil_page_links_to_the_network(client, world):
    client.force_login(world.officer)
    page = client.get(f"/pupils/{world.jayden.upn}/").content.decode()
    assert f'href="/partnership/network/{world.jayden.upn}/"' in page


def test_the_network_page_shows_each_role(client, world):
    client.force_login(world.officer)
    page = client.get(f"/partnership/network/{world.jayden.upn}/").content.decode()
    assert "Priya Shah, Northshire Children&#x27;s Services" in page
    assert "01632 960111" in page
    assert "Sees this pupil in Attend" in page
    assert page.count("None recorded") == 3
    assert "emailed to everyone below with an email address the same day" in page


def test_an_officer_records_a_youth_justice_worker(client, world):
    client.force_login(world.officer)
    url = f"/partnership/network/{world.jayden.upn}/youth_justice/"
    response = client.post(
        url,
        {
            "name": "Ola Nowak",
            "organisation": "Northshire Youth Justice Service",
            "email": "",
            "phone": "01632 960222",
        },
    )
    assert response.status_code == 302
    member = NetworkMember.objects.get(pupil=world.jayden, role="youth_justice")
    assert (member.name, member.phone) == ("Ola Nowak", "01632 960222")
    event = AuditEvent.objects.get(
        action="partnership.network_member.added", data__role="Youth justice worker"
    )
    assert event.actor == world.officer
    assert event.data["after"]["organisation"] == "Northshire Youth Justice Service"


def test_bad_input_gets_an_error_summary(client, world):
    client.force_login(world.officer)
    url = f"/partnership/network/{world.jayden.upn}/early_help/"
    page = client.post(
        url, {"name": "", "organisation": "Early Help", "email": "not-an-email"}
    ).content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the person&#x27;s name" in page
    assert "Enter an email address in the correct format" in page
    page = client.post(url, {"name": "Jo Reed", "organisation": "Early Help"}).content.decode()
    assert "Enter an email address or a phone number" in page
    assert not NetworkMember.objects.filter(pupil=world.jayden, role="early_help").exists()


def test_changing_the_social_worker_moves_the_link(client, world):
    assert PupilLink.objects.filter(user=world.social_worker, pupil=world.jayden).exists()
    client.force_login(world.officer)
    client.post(
        f"/partnership/network/{world.jayden.upn}/social_worker/",
        {
            "name": "Mark Doyle",
            "organisation": "Northshire Children's Services",
            "email": "mark.doyle@example.gov.uk",
        },
    )
    assert not PupilLink.objects.filter(user=world.social_worker, pupil=world.jayden).exists()
    event = AuditEvent.objects.get(action="partnership.network_member.changed")
    assert (event.data["before"]["name"], event.data["after"]["name"]) == ("Priya Shah", "Mark Doyle")


def test_removing_a_member_is_audited_and_unlinks(client, world):
    client.force_login(world.officer)
    response = client.post(f"/partnership/network/{world.jayden.upn}/social_worker/remove/")
    assert response.status_code == 302
    assert not NetworkMember.objects.filter(pupil=world.jayden).exists()
    assert not PupilLink.objects.filter(user=world.social_worker, pupil=world.jayden).exists()
    assert AuditEvent.objects.filter(action="partnership.network_member.removed").count() == 1


def test_staff_of_another_school_and_social_workers_cannot_change_it(client, world):
    other = make_user(role=R.SCHOOL_OFFICER, school=make_school(la=world.la))
    client.force_login(other)
    assert client.get(f"/partnership/network/{world.jayden.upn}/").status_code == 404
    assert client.post(f"/partnership/network/{world.jayden.upn}/social_worker/remove/").status_code == 404
    client.force_login(world.social_worker)
    assert client.get(f"/partnership/network/{world.jayden.upn}/").status_code == 200
    assert client.post(f"/partnership/network/{world.jayden.upn}/social_worker/remove/").status_code == 403
    assert client.get(f"/partnership/network/{world.kyla.upn}/").status_code == 404


def test_the_social_worker_sees_their_pupils_in_days_and_hours(client, world):
    # Jayden: 3 days this term, 2 of them in the last four weeks (absent Mon-Tue of this week and 1 Oct).
    enrolment = world.jayden.enrolments.get()
    from attend.registers.models import Mark

    days = [dt.date(2025, 10, 1), dt.date(2025, 11, 17), dt.date(2025, 11, 18)]
    for day in [dt.date(2025, 9, 3) + dt.timedelta(days=i) for i in range(0, 78)]:
        if day.weekday() >= 5:
            continue
        for session in ("AM", "PM"):
            Mark.objects.get_or_create(
                enrolment=enrolment, date=day, session=session, defaults={"code": "O" if day in days else "/"}
            )
    client.force_login(world.social_worker)
    page = client.get("/partnership/my-pupils/").content.decode()
    assert "Jayden Okafor" in page and "Kyla Brown" not in page
    assert "Allocated social worker" in page
    assert "3 days since 1 September, about 19.5 hours of learning (attendance 94.6%)" in page
    assert "2 days in the last 4 weeks, about 13 hours of learning" in page


def test_my_pupils_is_for_read_only_roles(client, world):
    client.force_login(world.officer)
    assert client.get("/partnership/my-pupils/").status_code == 403


def test_the_demo_gives_networks_and_links_the_demo_social_worker(world):
    from attend.partnership.demo_network import add_demo_network

    NetworkMember.objects.all().delete()
    PupilLink.objects.all().delete()
    assert add_demo_network(la_code=world.la.code, social_worker=world.social_worker) == 2
    assert set(
        PupilLink.objects.filter(user=world.social_worker).values_list("pupil__legal_forename", flat=True)
    ) == {
        "Jayden",
        "Kyla",
    }
    assert (
        NetworkMember.objects.get(pupil=world.kyla, role="virtual_school").organisation
        == "Demoshire Virtual School"
    )
