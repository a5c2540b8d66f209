from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    # /work/
    path("work/", views.work_list, name="work-list"),
    # /pupils/
    path("pupils/", views.pupil_search, name="pupil-search"),
    path("pupils/<str:upn>/", views.pupil_detail, name="pupil"),
    # /schools/
    path("schools/", views.schools, name="schools"),
    path("schools/<int:urn>/", views.school_dashboard, name="school"),
    path("schools/<int:urn>/pupils/", views.school_pupils, name="school-pupils"),
    path("schools/<int:urn>/pupils.csv", views.school_pupils_csv, name="school-pupils-csv"),
    # /la/
    path("la/", views.la_dashboard, name="la-dashboard"),
]
