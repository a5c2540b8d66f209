"""The code of conduct page and the check page: who may use them, scope (404, nothing changed), errors shown."""

from attend.enforcement.models import CodeOfConduct, FormalCheck

from .ladder_world import ladder_fixture  # noqa: F401

DATA = {
    "effective_from": "2025-11-19", "nti_period_weeks": "5", "sufficient_improvement": "No unauthorised absence.",
    "sufficient_max_unauthorised": "0", "nti_required": "on", "schools_request_through_la": "on",
    "time_limit_from": "last", "wording": "",
}  # fmt: skip


def test_the_la_manager_saves_a_new_version_and_sees_the_history(client, ladder):
    client.force_login(ladder["kim"])
    assert (
        f'href="/enforcement/code/{ladder["la"].pk}/">Northshire'
        in client.get("/enforcement/code/").content.decode()
    )
    response = client.post(f"/enforcement/code/{ladder['la'].pk}/", DATA)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Version 1 of the code of conduct saved." in page
    assert "No unauthorised absence. (at most 0 unauthorised)" in page
    assert CodeOfConduct.objects.get(local_authority=ladder["la"]).time_limit_from == "last"


def test_out_of_range_weeks_show_an_error_and_save_nothing(client, ladder):
    client.force_login(ladder["kim"])
    page = client.post(
        f"/enforcement/code/{ladder['la'].pk}/", {**DATA, "nti_period_weeks": "7"}
    ).content.decode()
    assert "govuk-error-summary" in page and "The improvement period must be 3 to 6 weeks" in page
    assert not CodeOfConduct.objects.filter(local_authority=ladder["la"]).exists()


def test_another_las_code_is_404_and_an_officer_is_403(client, ladder):
    client.force_login(ladder["kim"])
    assert client.post(f"/enforcement/code/{ladder['south'].pk}/", DATA).status_code == 404
    client.force_login(ladder["sam"])
    assert client.post(f"/enforcement/code/{ladder['la'].pk}/", DATA).status_code == 403
    assert not CodeOfConduct.objects.filter(local_authority__isnull=False).exists()


def test_the_check_page_shows_answers_from_the_data_and_records(client, ladder):
    client.force_login(ladder["sam"])
    url = f"/enforcement/check/new/?upn={ladder['maya'].upn}&purpose=nti&start=2025-11-03&end=2025-11-19"
    page = client.get(url).content.decode()
    assert "Thorough check" in page
    assert "from the date of birth (Education Act 1996 s8): Compulsory school age from 31/03/2020" in page
    post = {"start": "2025-11-03", "end": "2025-11-19", "answer_eso": "no"}
    page = client.post(url, post).content.decode()
    assert "govuk-error-summary" in page and "Answer: Are there medical, anxiety (EBSA)" in page
    response = client.post(url, {**post, "answer_barriers": "no", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url.startswith(
        "/enforcement/check/new/"
    )  # never off-site
    check = FormalCheck.objects.get()
    assert check.answers["period"] == ["2025-11-03", "2025-11-19"] and check.done_by == ladder["sam"]


def test_the_check_for_a_pupil_out_of_scope_is_404(client, ladder):
    client.force_login(ladder["sam"])
    url = f"/enforcement/check/new/?upn={ladder['kit'].upn}&purpose=nti"
    assert (
        client.post(url, {"start": "2025-11-03", "end": "2025-11-19", "answer_eso": "no"}).status_code == 404
    )
    assert not FormalCheck.objects.exists()
