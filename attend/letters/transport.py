"""Delivery transports: email through Django's SMTP backend (ATTEND_EMAIL_URL), and GOV.UK Notify (SMS, email,
precompiled letters) through the official notifications-python-client, with retries on 5xx and timeouts.

Nothing here touches the database: `attend.letters.services` records what happened."""

from __future__ import annotations

import base64
import io
import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection

log = logging.getLogger(__name__)

# Notify's statuses (docs.notifications.service.gov.uk, "Status - text and email" / "Status - letter") to ours.
NOTIFY_STATUS = {
    "created": "sent",
    "sending": "sent",
    "pending": "sent",
    "sent": "sent",
    "pending-virus-check": "sent",
    "accepted": "sent",
    "received": "sent",  # the letter was posted (proof of posting)
    "delivered": "delivered",
    "permanent-failure": "failed",
    "temporary-failure": "failed",
    "technical-failure": "failed",
    "virus-scan-failed": "failed",
    "validation-failed": "failed",
    "cancelled": "failed",
    "returned-letter": "returned",
}


@dataclass
class Outcome:
    status: str  # sent, failed
    provider: str
    provider_id: str = ""
    reason: str = ""
    retryable: bool = False


# ---- email over SMTP ---------------------------------------------------------------------------------------

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}


def email_settings(url: str) -> dict:
    """`smtp://user:pass@host:587?tls=1` (or `smtps://...`, `?ssl=1`, `?timeout=10`; `console://`) to the
    keyword arguments of django.core.mail.get_connection."""
    parsed = urlparse(url or "console://")
    if parsed.scheme not in BACKENDS:
        raise ImproperlyConfigured(
            f"ATTEND_EMAIL_URL: unknown scheme {parsed.scheme!r} (use smtp, smtps or console)"
        )
    kwargs: dict = {"backend": BACKENDS[parsed.scheme]}
    if parsed.scheme.startswith("smtp"):
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        kwargs.update(
            host=parsed.hostname or "localhost",
            port=parsed.port or (465 if parsed.scheme == "smtps" else 25),
            username=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            use_tls=query.get("tls") in ("1", "true", "yes"),
            use_ssl=parsed.scheme == "smtps" or query.get("ssl") in ("1", "true", "yes"),
            timeout=float(query.get("timeout", 10)),
        )
    return kwargs


def send_email_smtp(
    *, to: str, subject: str, text: str, html: str, key: str, attachment: tuple[str, bytes] | None = None
) -> Outcome:
    connection = get_connection(**email_settings(settings.ATTEND_EMAIL_URL))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.ATTEND_EMAIL_FROM,
        to=[to],
        connection=connection,
        headers={"X-Attend-Message": key},
    )
    if html:
        message.attach_alternative(html, "text/html")
    if attachment:
        message.attach(attachment[0], attachment[1], "application/pdf")
    try:
        message.send()
    except (OSError, TimeoutError) as exc:
        return Outcome(
            "failed", "smtp", reason=f"The email server did not accept the message: {exc}", retryable=True
        )
    return Outcome("sent", "smtp")


# ---- GOV.UK Notify --------------------------------------------------------------------------------------------


def notify_client():
    from notifications_python_client.notifications import NotificationsAPIClient

    if not settings.ATTEND_NOTIFY_API_KEY:
        raise ImproperlyConfigured(
            "GOV.UK Notify is not set up: set ATTEND_NOTIFY_API_KEY (see docs/letters.md)."
        )
    return NotificationsAPIClient(
        settings.ATTEND_NOTIFY_API_KEY,
        base_url=settings.ATTEND_NOTIFY_BASE_URL,
        timeout=settings.ATTEND_NOTIFY_TIMEOUT,
    )


def _reason(exc) -> str:
    message = getattr(exc, "message", str(exc))
    if isinstance(message, list):
        message = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in message)
    return f"GOV.UK Notify said ({getattr(exc, 'status_code', '?')}): {message}"[:300]


def already_at_notify(client, reference: str) -> str:
    """The id of a notification Notify already holds for this reference ("" if none): asked before any retry,
    so a request that reached Notify but whose answer was lost is never sent again."""
    found = client.get_all_notifications(reference=reference).get("notifications", [])
    return found[0]["id"] if found else ""


def notify_send(kind: str, *, reference: str, first_attempt: bool, **fields) -> Outcome:
    """Send through Notify, retrying 5xx and timeouts (the client reports a timeout as 503) with backoff.
    A 4xx is final: the message fails with Notify's reason."""
    from notifications_python_client.errors import HTTPError

    client = notify_client()
    delays = [float(d) for d in settings.ATTEND_NOTIFY_RETRY_DELAYS]
    attempt = 0
    check_first = not first_attempt
    while True:
        try:
            if check_first:
                existing = already_at_notify(client, reference)
                if existing:
                    return Outcome("sent", "notify", provider_id=existing)
            if kind == "sms":
                response = client.send_sms_notification(
                    phone_number=fields["to"],
                    template_id=settings.ATTEND_NOTIFY_SMS_TEMPLATE_ID,
                    personalisation={"body": fields["text"]},
                    reference=reference,
                )
            elif kind == "email":
                response = client.send_email_notification(
                    email_address=fields["to"],
                    template_id=settings.ATTEND_NOTIFY_EMAIL_TEMPLATE_ID,
                    personalisation={"subject": fields["subject"], "body": fields["text"]},
                    reference=reference,
                )
            else:  # precompiled letter, first class: may be relied on in court; never Notify's second-class default
                response = client.send_precompiled_letter_notification(
                    reference=reference, pdf_file=io.BytesIO(fields["pdf"]), postage="first"
                )
            return Outcome("sent", "notify", provider_id=response["id"])
        except HTTPError as exc:
            if exc.status_code < 500 or attempt >= len(delays):
                return Outcome("failed", "notify", reason=_reason(exc), retryable=exc.status_code >= 500)
            log.warning("Notify %s for %s: retrying in %ss", exc.status_code, reference, delays[attempt])
            time.sleep(delays[attempt])
            attempt += 1
            check_first = True


def notify_status(provider_id: str) -> tuple[str, str]:
    """(our status, Notify's status) for a notification."""
    data = notify_client().get_notification_by_id(provider_id)
    return NOTIFY_STATUS.get(data.get("status", ""), "sent"), data.get("status", "")


def pdf_base64(pdf: bytes) -> str:
    return base64.b64encode(pdf).decode()


# ---- messages to staff and professionals (not a pupil's correspondence) -------------------------------------


def send_staff_email(
    *,
    to: str,
    subject: str,
    text: str,
    key: str,
    first_attempt: bool = True,
    attachment: tuple[str, bytes] | None = None,
) -> Outcome:
    """An email to a professional (the network, an escalation contact): SMTP, or GOV.UK Notify when
    ATTEND_EMAIL_VIA=notify. `key` is the idempotency key (Notify's reference): a retry never sends twice.
    `attachment` (filename, PDF) is attached by SMTP; Notify's plain template takes none, so there the text
    must say everything (a visit's safety report puts the whole report in the text)."""
    if settings.ATTEND_EMAIL_VIA == "smtp":
        return send_email_smtp(to=to, subject=subject, text=text, html="", key=key, attachment=attachment)
    try:
        return notify_send(
            "email", reference=key, first_attempt=first_attempt, to=to, subject=subject, text=text
        )
    except ImproperlyConfigured as exc:  # not set up: retrying cannot help until someone configures it
        return Outcome("failed", "notify", reason=str(exc)[:300], retryable=False)
    except OSError as exc:
        return Outcome("failed", "notify", reason=str(exc)[:300], retryable=True)


def send_staff_sms(*, to: str, text: str, key: str, first_attempt: bool = True) -> Outcome:
    """A text message to a professional, through GOV.UK Notify (the only SMS route)."""
    try:
        return notify_send("sms", reference=key, first_attempt=first_attempt, to=to, text=text)
    except ImproperlyConfigured as exc:  # not set up: retrying cannot help until someone configures it
        return Outcome("failed", "notify", reason=str(exc)[:300], retryable=False)
    except OSError as exc:
        return Outcome("failed", "notify", reason=str(exc)[:300], retryable=True)
