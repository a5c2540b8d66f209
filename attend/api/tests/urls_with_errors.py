"""The site's URLs plus two plain Django views that fail, for the server-error tests (test_errors.py)."""

from django.urls import path

from attend import urls as site
from attend.accounts.permissions import public

SECRET = "password authentication failed for user attend_rw at 10.0.0.5"


@public
def fails(request):
    raise RuntimeError(SECRET)


urlpatterns = [path("api/v1/fails/", fails), path("fails/", fails), *site.urlpatterns]
handler400, handler403, handler500 = site.handler400, site.handler403, site.handler500
