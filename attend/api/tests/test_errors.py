"""The API answers JSON on every error, 500 included; every 500 leaves its traceback in the server log, never in the
response."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from attend.people.models import Pupil

from .factories import bearer, token_for
from .test_imports import NEW_A, pupils_file
from .urls_with_errors import SECRET


def fail(*args, **kwargs):
    raise RuntimeError(SECRET)


def test_an_error_in_an_api_view_answers_json_500_and_logs_the_traceback(world, client, monkeypatch, caplog):
    # Fault injection: the importer fails as a database outage would; the view, handler and log are real.
    monkeypatch.setattr("attend.api.views.import_file", fail)
    upload = SimpleUploadedFile("pupils.csv", pupils_file(world["a"].urn).encode(), content_type="text/csv")
    with caplog.at_level(logging.ERROR):
        response = client.post(
            "/api/v1/imports/",
            {"kind": "pupils", "file": upload},
            headers=bearer(token_for(world["school_officer"])),
        )
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "reference", "status"} and body["status"] == 500
    assert body["detail"] == "The server hit an unexpected error; nothing was changed by this request."
    assert SECRET not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "attend.api"]
    assert record.getMessage() == f"API server error {body['reference']} on POST /api/v1/imports/"
    assert record.exc_info[0] is RuntimeError and str(record.exc_info[1]) == SECRET
    assert not Pupil.objects.filter(upn=NEW_A).exists()


@pytest.mark.urls("attend.api.tests.urls_with_errors")
def test_an_error_outside_the_drf_views_answers_json_under_api(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/fails/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    body = response.json()
    assert (
        body["status"] == 500
        and body["reference"].startswith("A")
        and SECRET not in response.content.decode()
    )
    # Django's own record carries the traceback; ours the reference.
    [django_record] = [r for r in caplog.records if r.name == "django.request"]
    assert django_record.exc_info[0] is RuntimeError and str(django_record.exc_info[1]) == SECRET
    assert any(r.name == "attend.api" and body["reference"] in r.getMessage() for r in caplog.records)


@pytest.mark.urls("attend.api.tests.urls_with_errors")
def test_an_error_on_a_web_page_shows_no_traceback_and_logs_one(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/fails/")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")
    assert SECRET not in response.content.decode() and "Traceback" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info[0] is RuntimeError


def test_server_errors_go_to_the_server_log_whatever_debug_says():
    """Django's default logs requests' errors to the console only when DEBUG is on; LOGGING sends them (and
    everything at INFO and above) to stderr always."""
    root = logging.getLogger()
    assert any(
        isinstance(h, logging.StreamHandler) and not h.filters and h.level <= logging.ERROR
        for h in root.handlers
    )
    assert settings.LOGGING["root"]["handlers"] == ["stderr"]
    for name in ("django", "django.request"):
        logger = logging.getLogger(name)
        assert logger.propagate and not logger.handlers and logger.getEffectiveLevel() <= logging.ERROR
