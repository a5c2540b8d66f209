"""A URL configuration for tests: one view that forgot to declare a permission."""

from django.http import HttpResponse
from django.urls import include, path


def forgot(request):
    return HttpResponse("secret pupil data")


urlpatterns = [path("forgot/", forgot, name="forgot"), path("", include("attend.urls"))]
