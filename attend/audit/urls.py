from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("pupil/<str:upn>/", views.pupil_events, name="pupil-events"),
    path("pupil/<str:upn>/events.csv", views.pupil_events_csv, name="pupil-events-csv"),
]
