"""/visits/: the officer's profile, the manager's officers and contacts pages, the phone pages of a round (check
out, check in, I need help), the office dashboard, and Notify's received-text callback (check-in by text)."""

from django.urls import path

from . import views_lone, views_office, views_profile

urlpatterns = [
    path("profile/", views_profile.profile, name="profile"),
    path("officers/", views_profile.officers, name="officers"),
    path("contacts/", views_profile.contacts, name="contacts"),
    path("contacts/<int:pk>/end/", views_profile.contact_end, name="contact-end"),
    path("rounds/<int:pk>/out/", views_lone.round_page, name="lone-round"),
    path("rounds/<int:pk>/start/", views_lone.round_start, name="lone-start"),
    path("rounds/<int:pk>/check-in/", views_lone.round_check_in, name="lone-check-in"),
    path("rounds/<int:pk>/help/", views_lone.round_help, name="lone-help"),
    path("office/", views_office.dashboard, name="office"),
    path("office/rounds/<int:pk>/check-in/", views_office.office_check_in, name="office-check-in"),
    # GOV.UK Notify's received text messages (bearer token, no session)
    path("notify/inbound/", views_office.notify_inbound, name="notify-inbound"),
]
