"""/cme/ pages for the enquiries area (children missing education enquiries). Other areas link to
`cme:enquiry-new` with ?alert=<id>, or ?upn=<upn>&source=school|visit|returned_letter|deletion&ref=<source ref>."""

from django.urls import path

from . import referral_pages
from . import views_enquiries as views

urlpatterns: list = [
    path("enquiries/", views.enquiry_list, name="enquiries"),
    path("enquiries/new/", views.enquiry_new, name="enquiry-new"),
    path("enquiries/<str:ref>/", views.enquiry_detail, name="enquiry"),
    path("enquiries/<str:ref>/record/", views.enquiry_check, name="enquiry-check"),
    path("enquiries/<str:ref>/close/", views.enquiry_close, name="enquiry-close"),
    path(
        "enquiries/<str:ref>/refer/<str:reason>/", referral_pages.enquiry_refer, name="enquiry-refer"
    ),  # to the LA where the child lives, or a looked-after child's virtual school
]
