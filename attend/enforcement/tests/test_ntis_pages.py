"""Notice to improve pages: issue, the live figures on its page and on the case page's "Formal steps" panel, the
outcome, the PDF, and scope (another LA's notice is 404, nothing changed)."""

import subprocess

from attend.enforcement.models import NoticeToImprove

from .ladder_world import ladder_fixture  # noqa: F401
from .test_ntis import check


def issue_by_page(client, w, monkeypatch):
    check(w, monkeypatch)
    client.force_login(w["sam"])
    data = {
        "parents": [str(w["mother"].pk)],
        "issued_on": "2025-11-03",
        "support_offered": "Breakfast club place.",
    }
    response = client.post(f"/enforcement/ntis/new/?upn={w['maya'].upn}", data)
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    return response


def test_issue_then_live_figures_on_the_notice_and_the_case_page(client, ladder, monkeypatch):
    response = issue_by_page(client, ladder, monkeypatch)
    nti = NoticeToImprove.objects.get()
    assert response.url == f"/enforcement/ntis/{nti.pk}/"
    page = " ".join(client.get(response.url).content.decode().split())
    assert "Improvement period 3 November 2025 to 30 November 2025." in page
    for row in ("Sessions possible</dt><dd class=\"govuk-summary-list__value\">26", "Attended</dt><dd class=\"govuk-summary-list__value\">23 (88.5%)",
                "Unauthorised</dt><dd class=\"govuk-summary-list__value\">3"):  # fmt: skip
        assert row in page
    case_page = " ".join(client.get(f"/cases/{nti.case.ref}/").content.decode().split())
    assert 'data-testid="formal-steps-panel"' in case_page and "In force" in case_page
    assert 'Unauthorised</dt><dd class="govuk-summary-list__value">3' in case_page


def test_refusals_show_on_the_form(client, ladder, monkeypatch):
    client.force_login(ladder["sam"])
    data = {"parents": [str(ladder["neighbour"].pk)], "issued_on": "2025-11-19", "support_offered": "Help"}
    page = client.post(f"/enforcement/ntis/new/?upn={ladder['maya'].upn}", data).content.decode()
    assert "govuk-error-summary" in page and "Tom Neighbour: not this child&#x27;s parent" in page
    assert not NoticeToImprove.objects.exists()


def test_outcome_only_after_the_period_and_the_pdf(client, ladder, monkeypatch, tmp_path):
    issue_by_page(client, ladder, monkeypatch)
    nti = NoticeToImprove.objects.get()
    page = client.post(f"/enforcement/ntis/{nti.pk}/", {"action": "outcome"}).content.decode()
    assert "runs to 30/11/2025" in page
    monkeypatch.setenv("ATTEND_TODAY", "2025-12-01")
    assert client.post(f"/enforcement/ntis/{nti.pk}/", {"action": "outcome"}).status_code == 302
    nti.refresh_from_db()
    assert nti.outcome == "not_improved"
    pdf = client.get(f"/enforcement/ntis/{nti.pk}/document.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    (tmp_path / "n.pdf").write_bytes(pdf.content)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(tmp_path / "n.pdf"), "-"], capture_output=True, text=True
        ).stdout.split()
    )
    assert "Notice to improve: Maya Okafor's attendance" in text
    assert "From Monday 3 November to Sunday 30 November 2025." in text
    assert "Breakfast club place." in text and "Placeholder" not in text


def test_another_las_officer_gets_404_and_changes_nothing(client, ladder, monkeypatch):
    issue_by_page(client, ladder, monkeypatch)
    nti = NoticeToImprove.objects.get()
    client.force_login(ladder["pat"])
    assert client.post(f"/enforcement/ntis/{nti.pk}/", {"action": "withdraw", "note": "x"}).status_code == 404
    assert client.get(f"/enforcement/ntis/{nti.pk}/document.pdf").status_code == 404
    nti.refresh_from_db()
    assert nti.outcome == ""
