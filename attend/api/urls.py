from django.urls import path, re_path

from attend.casework import api as cases
from attend.enforcement import api_notices as penalty_notices

from . import views
from .schema import schema_view

app_name = "api"

urlpatterns = [
    path("v1/schema/", schema_view, name="schema"),
    path("v1/schools/", views.SchoolList.as_view(), name="schools"),
    path("v1/schools/<int:urn>/statistics/", views.SchoolStatistics.as_view(), name="school-statistics"),
    path("v1/la/statistics/", views.LaStatistics.as_view(), name="la-statistics"),
    path("v1/alerts/", views.AlertList.as_view(), name="alerts"),
    path("v1/alerts/<int:pk>/", views.AlertDetail.as_view(), name="alert"),
    path("v1/pupils/<str:upn>/attendance/", views.PupilAttendance.as_view(), name="pupil-attendance"),
    path("v1/imports/", views.ImportCreate.as_view(), name="imports"),
    path("v1/imports/<int:pk>/", views.ImportRunDetail.as_view(), name="import-run"),
    path("v1/cases/", cases.CaseList.as_view(), name="cases"),
    path("v1/cases/<str:ref>/", cases.CaseDetail.as_view(), name="case"),
    path("v1/cases/<str:ref>/chronology/", cases.CaseChronology.as_view(), name="case-chronology"),
    path("v1/cases/<str:ref>/chronology/<int:pk>/", cases.CaseEntry.as_view(), name="case-entry"),
    path("v1/penalty-notices/", penalty_notices.NoticeList.as_view(), name="penalty-notices"),
    path("v1/penalty-notices/<str:number>/", penalty_notices.NoticeDetail.as_view(), name="penalty-notice"),
    path(
        "v1/penalty-notices/<str:number>/payments/",
        penalty_notices.NoticePayments.as_view(),
        name="penalty-notice-payments",
    ),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<rest>(?s:.*))$", views.not_found, name="not-found"),
]
