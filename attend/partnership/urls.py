"""/partnership/...: one URL module per area."""

from django.urls import include, path

from . import views_index

app_name = "partnership"

urlpatterns: list = [
    path("", views_index.index, name="index"),
    path("", include("attend.partnership.urls_whatworks")),
    path("", include("attend.partnership.urls_network")),
    path("", include("attend.partnership.urls_tsm")),
    path("", include("attend.partnership.urls_referrals")),
    path("", include("attend.partnership.urls_timetables")),
]
