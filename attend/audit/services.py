"""Writing audit events. Call `record` explicitly from services and views; there are no model signals."""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

from .models import AuditEvent

ACTION_FORMAT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$")


# The address of the web request being served, for events recorded by services that are not given the request
# (alert actions, imports started from a page). Set by ClientAddressMiddleware; empty outside a request.
_current_ip: ContextVar[str] = ContextVar("attend_audit_client_ip", default="")


def current_client_ip() -> str:
    return _current_ip.get()


class ClientAddressMiddleware:
    """Every audit event recorded while serving a request carries the request's client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current_ip.reset(token)


def client_ip(request) -> str:
    """The address a request came from, as recorded in the audit trail and counted by sign-in throttling.
    REMOTE_ADDR: behind a reverse proxy, have the proxy (or gunicorn's --forwarded-allow-ips) set it."""
    return (request.META.get("REMOTE_ADDR", "") if request is not None else "")[:45]


def record(
    action: str,
    *,
    by=None,
    obj=None,
    school=None,
    pupil=None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Append one event. `action` is `<app>.<entity>.<past tense>`, e.g. `people.pupil.viewed`.

    `obj` fills object_type/object_id (and pupil or school if the object is one, or has one); `request` gives the
    actor (if signed in) and the client address.
    """
    if not ACTION_FORMAT.match(action):
        raise ValueError(f"Audit action {action!r} is not of the form app.entity.past_tense")
    if by is None and request is not None and request.user.is_authenticated:
        by = request.user
    if by is not None and not by.is_authenticated:
        by = None
    details: dict[str, Any] = dict(data or {})
    if before is not None:
        details["before"] = before
    if after is not None:
        details["after"] = after
    object_type = object_id = ""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
        if pupil is None and object_type == "people.pupil":
            pupil = obj
        if school is None and object_type == "schools.school":
            school = obj
        if pupil is None and getattr(obj, "pupil_id", None):
            pupil = obj.pupil
        if school is None and getattr(obj, "school_id", None):
            school = obj.school
    return AuditEvent.objects.create(
        action=action,
        actor=by,
        actor_username=by.get_username() if by is not None else "",
        object_type=object_type,
        object_id=object_id,
        school=school,
        pupil=pupil,
        ip=client_ip(request) if request is not None else current_client_ip(),
        data=details,
    )


def pupil_viewed(request, pupil, *, page: str) -> AuditEvent:
    """Record that the signed-in user opened a page showing this pupil (safeguarding: who looked, and when)."""
    return record("people.pupil.viewed", request=request, obj=pupil, data={"page": page})
