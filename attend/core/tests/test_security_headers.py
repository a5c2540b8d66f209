import re

import pytest

from .factories import make_user


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_templates_have_no_inline_style_or_script(client):
    pages = [client.get("/sign-in/").content.decode()]
    client.force_login(make_user(role="system_admin"))
    pages.append(client.get("/").content.decode())
    for html in pages:
        assert "<style" not in html and "style=" not in html
        # Scripts only from our own static files (GOV.UK Frontend, htmx): never inline.
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
        assert html.count("<script") == len(scripts)
        assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts), scripts
        assert '<link rel="stylesheet" href="/static/core/attend.css">' in html


@pytest.mark.django_db
def test_the_stylesheet_is_served(client):
    response = client.get("/static/core/attend.css")
    assert response.status_code == 200
    assert b"font-family" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(client):
    client.force_login(make_user(role="system_admin"))
    assert client.get("/")["Cache-Control"] == "no-store, private"


def test_sessions_end_when_the_browser_closes(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
