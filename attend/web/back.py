"""GOV.UK back links (issue 23): back to the page the person came from when that is a page of this service, else a
sensible parent page. Only a path on this host is ever used (never another site, never a scheme-relative URL)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

# Pages a back link must not lead to: signing in and out, and the two-factor steps.
NOT_BACK_TO = ("/sign-in/", "/sign-out/", "/account/")


def back_url(request: HttpRequest, *, fallback: str) -> str:
    """The path (and query) of the Referer when it is a page of this service other than this one; else
    `fallback`."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return fallback
    parts = urlsplit(referer)
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or path == request.path:
        return fallback
    if path.startswith(NOT_BACK_TO):
        return fallback
    try:
        resolve(path)
    except Resolver404:
        return fallback
    return path + (f"?{parts.query}" if parts.query else "")
