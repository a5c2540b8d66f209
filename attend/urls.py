from django.contrib import admin
from django.urls import include, path

from attend.accounts import views as account_views
from attend.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("sign-in/", account_views.sign_in, name="login"),
    path("sign-out/", account_views.sign_out, name="logout"),
    path("two-factor/", account_views.two_factor, name="two-factor"),
    path("account/password/", account_views.password_change, name="password-change"),
    path("two-factor/recovery-codes/", account_views.recovery_codes, name="two-factor-recovery-codes"),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", include("attend.audit.urls")),
    path("privacy/", include("attend.privacy.urls")),
    path("transfers/", include("attend.people.urls")),
    path("api/", include("attend.api.urls")),
    path("", include("attend.web.urls")),
    path("", include("attend.jobs.urls")),
    path("settings/", include("attend.directory.urls")),
    path("letters/", include("attend.letters.urls")),
    path("cases/", include("attend.casework.urls")),
    path("partnership/", include("attend.partnership.urls")),
    path("visits/", include("attend.visits.urls")),
    path("enforcement/", include("attend.enforcement.urls")),
    path("cme/", include("attend.cme.urls")),
    path("registers/", include("attend.registers.urls")),
    path("admin/", admin.site.urls),
]

# Errors outside the DRF views answer JSON under /api/ and Django's pages elsewhere (attend/api/errors.py).
handler400 = "attend.api.errors.bad_request"
handler403 = "attend.api.errors.permission_denied"
handler500 = "attend.api.errors.server_error"
