"""Every API error is JSON: {"detail": "<what went wrong>", "status": <code>}, plus "errors" (per field) for invalid
input and "problems" (file:line: field: reason) for refused imports."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


class ImportRefused(exceptions.APIException):
    status_code = 400
    default_detail = "The file has problems; nothing was imported."

    def __init__(self, detail: str, problems: list[str], total: int, status_code: int = 400):
        super().__init__(detail)
        self.problems = problems
        self.total = total
        self.status_code = status_code


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
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
