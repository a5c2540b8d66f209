from django.urls import path

from . import batch_views, callbacks, views

app_name = "letters"
urlpatterns = [
    # /letters/templates/
    path("templates/", views.template_library, name="library"),
    path("templates/<int:pk>/", views.template_edit, name="template-edit"),
    # /letters/pupils/<upn>/
    path("pupils/<str:upn>/", views.pupil_messages, name="pupil-messages"),
    path("pupils/<str:upn>/send/", views.pupil_send, name="pupil-send"),
    path("pupils/<str:upn>/messages/<int:pk>/", views.message_detail, name="message"),
    # /letters/batches/
    path("batches/", batch_views.batch_list, name="batches"),
    path("batches/new/", batch_views.batch_new, name="batch-new"),
    path("batches/<int:pk>/", batch_views.batch_detail, name="batch"),
    path("batches/<int:pk>/progress/", batch_views.batch_progress, name="batch-progress"),
    path("batches/<int:pk>/letters/<int:message_pk>/", batch_views.batch_letter, name="batch-letter"),
    path("batches/<int:pk>/print.pdf", batch_views.batch_print, name="batch-print"),
    # /letters/notify/callback/: GOV.UK Notify's delivery receipts (bearer token, no session)
    path("notify/callback/", callbacks.notify_callback, name="notify-callback"),
]
