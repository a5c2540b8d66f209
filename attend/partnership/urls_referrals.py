"""/partnership/referrals/...: referrals from a case to the services directory (views_referrals)."""

from django.urls import path

from . import views_referrals as v

urlpatterns: list = [
    path("referrals/new/", v.referral_new, name="referral-new"),
    path("referrals/<int:referral_id>/", v.referral_detail, name="referral"),
]
