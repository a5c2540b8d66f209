"""/partnership/what-works/: the what-works report (LA staff)."""

from django.urls import path

from . import views_whatworks

urlpatterns = [
    path("what-works/", views_whatworks.report, name="whatworks"),
    path("what-works.csv", views_whatworks.report_csv, name="whatworks-csv"),
]
