from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from attend.accounts.models import Membership

from .models import Service
from .scope import assignable_roles, managed_las, scope_choices


class UserAddForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, error_messages={"required": "Enter a username"}
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="Email address", required=False)
    role = forms.ChoiceField(label="Role", error_messages={"required": "Choose a role"})
    scope = forms.ChoiceField(
        label="Where they work",
        required=False,
        help_text="The local authority or school whose pupils they will see. Not needed for a system administrator.",
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role"), *assignable_roles(by)]
        self.fields["scope"].choices = [("", "Choose where they work"), *scope_choices(by)]

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("A user with that username already exists")
        return name

    def clean(self):
        data = super().clean()
        if data.get("role") and data["role"] != Membership.Role.SYSTEM_ADMIN and not data.get("scope"):
            self.add_error("scope", "Choose where they work")
        return data


class MembershipAddForm(forms.Form):
    role = forms.ChoiceField(label="Role", error_messages={"required": "Choose a role"})
    scope = forms.ChoiceField(label="Where", error_messages={"required": "Choose where"})

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role"), *assignable_roles(by)]
        self.fields["scope"].choices = [("", "Choose where"), *scope_choices(by)]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = assignable_roles(by)


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "local_authority", "name", "kind", "area", "contact", "how_to_refer", "reply_within_days",
            "consent_required", "notes", "active",
        ]  # fmt: skip
        labels = {
            "local_authority": "Local authority",
            "how_to_refer": "How to refer",
            "reply_within_days": "Days to reply to a referral",
            "consent_required": "Needs the family's consent to a referral",
        }
        error_messages = {
            "name": {"required": "Enter the service's name"},
            "kind": {"required": "Choose the kind of service"},
            "contact": {"required": "Enter a phone number, email address or website"},
            "how_to_refer": {"required": "Say how to make a referral"},
        }

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = managed_las(by).order_by("name")
        self.fields["reply_within_days"].required = False  # blank: the default (10 days)
        self.fields["local_authority"].empty_label = None
        self.fields["kind"].choices = list(Service.Kind.choices)

    def clean_reply_within_days(self):
        value = self.cleaned_data.get("reply_within_days")
        return Service._meta.get_field("reply_within_days").default if value is None else value
