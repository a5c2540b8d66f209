from django.contrib.auth import views as auth_views

from .forms import SignInForm
from .permissions import public


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


sign_in = public(SignInView.as_view())
sign_out = public(auth_views.LogoutView.as_view())
