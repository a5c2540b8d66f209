"""/partnership/timetables/...: part-time timetables (views_timetables)."""

from django.urls import path

from . import views_timetables as v

urlpatterns: list = [
    path("timetables/", v.timetable_list, name="timetables"),
    path("timetables/new/", v.timetable_new, name="timetable-new"),
    path("timetables/<int:pk>/", v.timetable_detail, name="timetable"),
    path("timetables/<int:pk>/review/", v.timetable_review_view, name="timetable-review"),
    path("timetables/<int:pk>/scrutiny/", v.timetable_scrutiny_view, name="timetable-scrutiny"),
]
