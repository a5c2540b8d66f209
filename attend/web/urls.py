from django.urls import path

from . import trusts, views, worklist

app_name = "web"
urlpatterns = [
    # /work/
    path("work/", worklist.work_list, name="work-list"),
    path("work/list.csv", worklist.work_list_csv, name="work-list-csv"),
    path("work/pupils/<str:upn>/", worklist.work_pupil, name="work-pupil"),
    path("work/alerts/<int:pk>/", worklist.alert_action, name="alert-action"),
    path("work/alerts/<int:pk>/reopen/", worklist.alert_reopen_view, name="alert-reopen"),
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
    # /trusts/
    path("trusts/", trusts.trusts, name="trusts"),
    path("trusts/<int:pk>/", trusts.trust_dashboard, name="trust"),
]
