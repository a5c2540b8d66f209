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
    path("favicon.ico", core_views.favicon, name="favicon"),
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

# Errors outside the DRF views: GOV.UK error pages in the service's layout, JSON under /api/ (attend/core/errors.py,
# attend/api/errors.py). The 500 page needs no database or request context.
handler400 = "attend.api.errors.bad_request"
handler403 = "attend.core.errors.permission_denied"
handler404 = "attend.core.errors.page_not_found"
handler500 = "attend.core.errors.server_error"
