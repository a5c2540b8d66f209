"""Every API error is JSON: {"detail": "<what went wrong>", "status": <code>}, plus "errors" (per field) for invalid
input and "problems" (file:line: field: reason) for refused imports.

That holds for server errors too. An exception a DRF view does not handle answers 500 with a plain "detail" and a
"reference", and its traceback goes to the server log (logger `attend.api`) with the same reference, never into
the response. Errors outside the DRF views (middleware, URL resolution, request parsing) reach Django's handlers:
`attend.urls` names `bad_request` below and attend.core.errors' pages, which hand /api/ requests to
`permission_denied` and `server_error` below for JSON (Django logs those 500s to `django.request`, traceback
included).
"""

from __future__ import annotations

import logging
import secrets

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

log = logging.getLogger("attend.api")

API_PREFIX = "/api/"
SERVER_ERROR = "The server hit an unexpected error; nothing was changed by this request."


class ImportRefused(exceptions.APIException):
    status_code = 400
    default_detail = "The file has problems; nothing was imported."

    def __init__(self, detail: str, problems: list[str], total: int, status_code: int = 400):
        super().__init__(detail)
        self.problems = problems
        self.total = total
        self.status_code = status_code


def error_reference() -> str:
    """A short reference the response shows and the log carries, to find one from the other."""
    return "A" + secrets.token_hex(4).upper()


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return _server_error(exc, context)
    data = response.data
    if isinstance(exc, ImportRefused):
        body = {"detail": str(exc.detail), "problems": exc.problems, "total_problems": exc.total}
    elif isinstance(data, dict) and set(data) == {"detail"}:
        body = {"detail": str(data["detail"])}
    else:
        body = {"detail": "The request is not valid; see errors.", "errors": data}
    body["status"] = response.status_code
    response.data = body
    return response


def _server_error(exc: Exception, context) -> Response:
    request = context.get("request")
    reference = error_reference()
    where = f"{request.method} {request.path}" if request is not None else "?"
    log.error("API server error %s on %s", reference, where, exc_info=(type(exc), exc, exc.__traceback__))
    set_rollback()
    return Response({"detail": SERVER_ERROR, "reference": reference, "status": 500}, status=500)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/ (Django has logged the traceback to `django.request`), Django's page elsewhere."""
    if not _is_api(request):
        return defaults.server_error(request)
    reference = error_reference()
    log.error("API server error %s on %s %s (traceback in the django.request record)", reference,
              request.method, request.path)  # fmt: skip
    return JsonResponse({"detail": SERVER_ERROR, "reference": reference, "status": 500}, status=500)


def bad_request(request: HttpRequest, exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    return JsonResponse({"detail": "The request could not be read.", "status": 400}, status=400)


def permission_denied(request: HttpRequest, exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse({"detail": "You do not have permission to do this.", "status": 403}, status=403)
