"""Pages of casework: safeguarding steps and restricted notes."""

from django.urls import path

from . import views_safeguarding as v

urlpatterns = [
    path("<str:ref>/safeguarding/", v.safeguarding_list, name="safeguarding"),
    path("<str:ref>/safeguarding/new/", v.safeguarding_new, name="safeguarding-new"),
    path("<str:ref>/safeguarding/notes/new/", v.restricted_note_new, name="restricted-note-new"),
    path("<str:ref>/safeguarding/<int:pk>/outcome/", v.safeguarding_outcome, name="safeguarding-outcome"),
]
