"""Pages of casework: consent, meetings by telephone or video, their records, and contacts' safety records."""

from django.urls import path

from . import views_meetings as v

urlpatterns = [
    path("<str:ref>/meetings/", v.meeting_list, name="meetings"),
    path("<str:ref>/meetings/new/", v.meeting_new, name="meeting-new"),
    path("<str:ref>/meetings/<int:pk>/", v.meeting_detail, name="meeting"),
    path("<str:ref>/meetings/<int:pk>/record/", v.meeting_record, name="meeting-record"),
    path("<str:ref>/meetings/<int:pk>/send/", v.meeting_send, name="meeting-send"),
    path("<str:ref>/consent/new/", v.consent_new, name="consent-new"),
    path("<str:ref>/consent/<int:pk>/withdraw/", v.consent_withdraw, name="consent-withdraw"),
    path("<str:ref>/contacts/<int:contact_id>/safety/", v.contact_safety_edit, name="contact-safety"),
]
