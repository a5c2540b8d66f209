"""The service's error pages (handler403/404/500 in attend/urls.py): GOV.UK's "You do not have permission", "Page
not found" and "Sorry, there is a problem with the service" pages, in the service's own layout, saying nothing of
why (a pupil out of scope and a UPN that does not exist are the same "Page not found"). Under /api/ the answers
stay JSON (attend.api.errors).

The 500 page is rendered from the template alone, with no request context: no context processors, so no database
query (the database may be what failed) and no session. Its reference is in the log beside the traceback that
Django logs to `django.request`.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from attend.api import errors as api_errors

log = logging.getLogger("attend.errors")

# If even the template cannot be rendered (a broken install), this is what the person sees.
BARE_500 = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" '
    'content="width=device-width, initial-scale=1"><title>Sorry, there is a problem with the service – Attend'
    "</title></head><body><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></body></html>"
)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith(api_errors.API_PREFIX):
        return api_errors.permission_denied(request, exception)
    return render(request, "core/errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith(api_errors.API_PREFIX):
        return JsonResponse({"detail": "Not found.", "status": 404}, status=404)
    return render(request, "core/errors/404.html", status=404)


def server_error(request: HttpRequest | None = None) -> HttpResponse:
    if request is not None and request.path.startswith(api_errors.API_PREFIX):
        return api_errors.server_error(request)
    reference = api_errors.error_reference()
    where = f"{request.method} {request.path}" if request is not None else "?"
    log.error("Server error %s on %s (traceback in the django.request record)", reference, where)
    try:
        body = loader.get_template("core/errors/500.html").render({"reference": reference})
    except Exception:  # noqa: BLE001  (the error page must not fail in its turn)
        log.exception("The 500 page could not be rendered")
        body = BARE_500
    return HttpResponseServerError(body)
