"""/partnership/...: one URL module per area."""

from django.urls import include, path

app_name = "partnership"

urlpatterns: list = [
    path("", include("attend.partnership.urls_whatworks")),
    path("", include("attend.partnership.urls_network")),
    path("", include("attend.partnership.urls_tsm")),
    path("", include("attend.partnership.urls_referrals")),
    path("", include("attend.partnership.urls_timetables")),
]
