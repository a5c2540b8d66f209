"""GOV.UK Notify's callbacks: delivery receipts for email and text messages, and returned letters.

Notify POSTs JSON with the bearer token set on its "Callbacks" page in the `Authorization` header
(docs.notifications.service.gov.uk, "Callbacks"). A delivery receipt has `id` (Notify's notification id),
`reference` (ours: the message's idempotency key), `to`, `status` (delivered, permanent-failure,
temporary-failure, technical-failure), `created_at`, `completed_at`, `sent_at`, `notification_type`,
`template_id` and `template_version`. A returned-letter callback names the letter by `notification_id`.
Notify retries a failed callback every 5 minutes up to 5 times, so the same receipt may come more than once."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from attend.accounts.permissions import public

from .models import Message
from .services import message_status_from_notify

MAX_BODY = 64 * 1024


def token_ok(request: HttpRequest) -> bool:
    expected = settings.ATTEND_NOTIFY_CALLBACK_TOKEN or ""
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    # Constant time; an unset token refuses every callback (compare_digest still runs, against a fixed value).
    same = hmac.compare_digest(given.strip().encode(), (expected or "\0 unset").encode())
    return bool(expected) and scheme.lower() == "bearer" and same


@csrf_exempt  # Notify cannot hold a session or a CSRF token: the bearer token authenticates it
@require_POST
@public  # public in the permission table only because the bearer token, checked first, authenticates it
def notify_callback(request: HttpRequest) -> HttpResponse:
    if not token_ok(request):
        return HttpResponse(status=401)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": "Too large"}, status=413)
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"error": "The body is not JSON"}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": "The body is not a JSON object"}, status=400)
    returned = "notification_id" in data and "status" not in data
    notify_id = str(data.get("notification_id") if returned else data.get("id") or "").strip()
    status = "returned-letter" if returned else str(data.get("status") or "").strip()
    if not notify_id or not status:
        return JsonResponse({"error": "A callback names the notification (id) and its status"}, status=400)
    message = Message.objects.filter(provider="notify", provider_id=notify_id[:100]).first()
    if message is None:
        return JsonResponse({"error": "No such notification"}, status=404)
    message = message_status_from_notify(message, status, via="callback")
    return JsonResponse({"status": message.status})
