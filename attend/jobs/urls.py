from django.urls import path

from . import views, views_profiles

app_name = "jobs"
urlpatterns = [
    # /jobs/
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job-status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    # /imports/ and /reports/
    path("imports/new/", views.import_new, name="import-new"),
    path("imports/how-to-lay-out-the-file/", views.import_help, name="import-help"),
    # A register report from a school's MIS: match the columns, preview, import (attend/jobs/drafts.py).
    path("imports/drafts/<int:pk>/", views_profiles.draft_map, name="draft-map"),
    path("imports/drafts/<int:pk>/preview/", views_profiles.draft_preview, name="draft-preview"),
    path("reports/new/", views.report_new, name="report-new"),
]
