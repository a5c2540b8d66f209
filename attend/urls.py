from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from attend.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(template_name="core/sign_in.html"), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
