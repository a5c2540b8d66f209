"""The service's URLs plus one that fails, to see the 500 page (attend/core/tests/test_error_pages.py)."""

from django.urls import path

from attend.accounts.permissions import public
from attend.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


@public
def boom(request):
    raise RuntimeError("secret detail: database password is hunter2")


urlpatterns = [path("boom/", boom), *urlpatterns]
