from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    # /jobs/
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job-status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    # /imports/ and /reports/
    path("imports/new/", views.import_new, name="import-new"),
    path("reports/new/", views.report_new, name="report-new"),
]
