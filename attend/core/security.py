"""Response headers that Django's SecurityMiddleware does not set: a Content Security Policy, a
Permissions-Policy, and no caching of signed-in pages (they hold pupils' personal data)."""

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = "; ".join(
            f"{name} {value}" for name, value in settings.ATTEND_CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store, private"
        return response
