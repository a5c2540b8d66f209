"""Contract pages: draft, sign/decline/review by the record page, the PDF for signature, scope."""

import datetime as dt

from attend.enforcement.models import AttendanceContract, FormalCheck

from .ladder_world import ladder_fixture  # noqa: F401
from .test_contracts import make


def test_draft_by_the_page_review_date_refused_outside_4_to_6_weeks(client, ladder, monkeypatch):
    w = ladder
    from attend.enforcement.checks import record_check

    record_check(w["maya"], purpose=FormalCheck.Purpose.CONTRACT, by=w["sam"], start=dt.date(2025, 11, 19),
                 end=dt.date(2025, 11, 19), answers={"eso": "no", "barriers": "no"})  # fmt: skip
    client.force_login(w["sam"])
    data = {"parents": [str(w["mother"].pk)], "starts_on": "2025-11-19", "review_on": "2026-01-05",
            "support_offered": "Mentor", "parent_commitments": "Bring Maya by 8.40", "pupil_party": "on",
            "la_party": "on"}  # fmt: skip
    page = client.post(f"/enforcement/contracts/new/?upn={w['maya'].upn}", data).content.decode()
    assert "govuk-error-summary" in page and "between 17/12/2025 and 31/12/2025" in page
    response = client.post(
        f"/enforcement/contracts/new/?upn={w['maya'].upn}", {**data, "review_on": "2025-12-17"}
    )
    contract = AttendanceContract.objects.get()
    assert response.url == f"/enforcement/contracts/{contract.pk}/"


def test_decline_by_the_page_then_the_pdf(client, ladder, monkeypatch):
    contract = make(ladder, monkeypatch)
    client.force_login(ladder["sam"])
    page = client.post(
        f"/enforcement/contracts/{contract.pk}/", {"action": "decline", "on": "2025-11-05"}
    ).content
    assert b"their reason" in page
    client.post(
        f"/enforcement/contracts/{contract.pk}/", {"action": "decline", "on": "2025-11-05", "reason": "No"}
    )
    contract.refresh_from_db()
    assert contract.status == "declined"
    page = client.get(f"/enforcement/contracts/{contract.pk}/").content.decode()
    assert '5 November 2025: "No"' in page
    assert (
        client.get(f"/enforcement/contracts/{contract.pk}/document.pdf")["Content-Type"] == "application/pdf"
    )


def test_another_las_officer_gets_404_and_changes_nothing(client, ladder, monkeypatch):
    contract = make(ladder, monkeypatch)
    client.force_login(ladder["pat"])
    assert (
        client.post(
            f"/enforcement/contracts/{contract.pk}/", {"action": "sign", "on": "2025-11-05"}
        ).status_code
        == 404
    )
    url = f"/enforcement/contracts/new/?upn={ladder['maya'].upn}"
    assert client.post(url, {"starts_on": "2025-11-19"}).status_code == 404
    contract.refresh_from_db()
    assert contract.status == "draft" and AttendanceContract.objects.count() == 1
