from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    # /settings/
    path("", views.settings_index, name="settings"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/la/<int:pk>/", views.thresholds_la, name="thresholds-la"),
    path("thresholds/school/<int:urn>/", views.thresholds_school, name="thresholds-school"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user-new"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("services/", views.services, name="services"),
    path("services/new/", views.service_new, name="service-new"),
    path("services/<int:pk>/", views.service_edit, name="service"),
]
