"""/cme/ pages for the ehe area: the LA's home education register, a parent's notice, the record and its steps."""

from django.urls import path

from . import views_ehe

urlpatterns: list = [
    path("home-education/", views_ehe.register, name="ehe-register"),
    path("home-education/new/", views_ehe.notice_new, name="ehe-new"),
    path("home-education/<str:ref>/", views_ehe.record_page, name="ehe-record"),
    path("home-education/<str:ref>/consent/", views_ehe.consent, name="ehe-consent"),
    path("home-education/<str:ref>/contact/", views_ehe.contact, name="ehe-contact"),
    path("home-education/<str:ref>/return/", views_ehe.return_to_school, name="ehe-return"),
    path("home-education/<str:ref>/end/", views_ehe.end, name="ehe-end"),
]
