"""Users, memberships and links in the admin site. Only a superuser makes a superuser or a system administrator,
or changes a superuser's account; nobody but a superuser changes their own roles (identity.may_change_roles_of).
Every change is audited (the admin site wraps each model admin: attend/audit/admin_audit.py)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError

from . import identity
from .models import Membership, PupilLink, SignInThrottle, User

# Only a superuser sets these: each would give its holder more than the role table allows.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")


def check_grant(by, *, user, old_role: str | None, new_role: str | None) -> None:
    """Raise ValidationError unless `by` may turn `user`'s membership from `old_role` into `new_role` (None:
    no membership before / removed)."""
    if not identity.may_change_roles_of(by, user):
        raise ValidationError("Only a superuser can change their own roles or a superuser's roles.")
    for role in {old_role, new_role} - {None}:
        if not identity.may_grant_role(by, role):
            label = Membership.Role(role).label if role in Membership.Role.values else role
            raise ValidationError(f"You cannot give or take away the role {label}.")


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    by = None  # the signed-in user; set per request by MembershipInline.get_formset

    def clean(self):
        super().clean()
        for form in self.forms:
            deleted = self.can_delete and self._should_delete_form(form)
            if not form.has_changed() and not deleted:
                continue
            old = form.initial.get("role") if form.instance.pk else None
            new = None if deleted else form.cleaned_data.get("role")
            try:
                check_grant(self.by, user=self.instance, old_role=old, new_role=new)
            except ValidationError as error:
                form.add_error(None, error)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"by": request.user})


@admin.register(User)
class AttendUserAdmin(UserAdmin):
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not identity.may_grant_superuser(request.user):
            fields += [f for f in SUPERUSER_ONLY_FIELDS if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not identity.may_grant_superuser(request.user):
            return False  # view only: not even their password
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not identity.may_grant_superuser(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Read-only fields are not in the form; this refuses a crafted request all the same.
        if not identity.may_grant_superuser(request.user):
            if obj.is_superuser and not (
                change and User.objects.filter(pk=obj.pk, is_superuser=True).exists()
            ):
                raise PermissionDenied("Only a superuser can make a superuser.")
        super().save_model(request, obj, form, change)


class MembershipForm(forms.ModelForm):
    by = None

    class Meta:
        model = Membership
        fields = ["user", "role", "local_authority", "trust", "school"]

    def clean(self):
        data = super().clean()
        user = data.get("user")
        if user is not None:
            old = self.initial.get("role") if self.instance.pk else None
            if self.instance.pk and self.instance.user_id != user.pk:
                check_grant(self.by, user=self.instance.user, old_role=old, new_role=None)
                old = None
            check_grant(self.by, user=user, old_role=old, new_role=data.get("role"))
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "role", "local_authority", "trust", "school"]
    list_filter = ["role"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"by": request.user})

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            try:
                check_grant(request.user, user=obj.user, old_role=obj.role, new_role=None)
            except ValidationError:
                return False
        return super().has_delete_permission(request, obj)


@admin.register(PupilLink)
class PupilLinkAdmin(admin.ModelAdmin):
    """Links give read-only roles (social worker, virtual school, class teacher) their pupils. The pupil is
    chosen by id, so the form never lists every pupil's name."""

    list_display = ["user", "pupil_upn", "reason", "created_at"]
    search_fields = ["user__username", "pupil__upn", "reason"]
    raw_id_fields = ["user", "pupil"]
    list_select_related = ["user", "pupil"]

    @admin.display(description="Pupil (UPN)", ordering="pupil__upn")
    def pupil_upn(self, obj) -> str:
        return obj.pupil.upn  # an identifier, not a name: system administrators do not see pupils


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin):
    """Failed sign-ins and locks. Delete a row to unlock a username + address (or, with no username, a whole
    address) before the lock runs out."""

    list_display = ["username", "ip", "failures", "last_failure_at", "locked_until"]
    search_fields = ["username", "ip"]
    readonly_fields = ["username", "ip", "failures", "last_failure_at", "locked_until"]

    def has_add_permission(self, request):
        return False
