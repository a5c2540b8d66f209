from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    # /letters/templates/
    path("templates/", views.template_library, name="library"),
    path("templates/<int:pk>/", views.template_edit, name="template-edit"),
    # /letters/pupils/<upn>/
    path("pupils/<str:upn>/", views.pupil_messages, name="pupil-messages"),
    path("pupils/<str:upn>/send/", views.pupil_send, name="pupil-send"),
    path("pupils/<str:upn>/messages/<int:pk>/", views.message_detail, name="message"),
]
