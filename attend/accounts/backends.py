"""Model permissions from roles: a system administrator may manage the models of SYSTEM_ADMIN_APPS in the admin
site without per-user Django permissions. Pupil and register data stay out of reach (superusers aside)."""

from django.contrib.auth.backends import ModelBackend

from .identity import is_system_admin
from .permissions import SYSTEM_ADMIN_APPS


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if is_system_admin(user_obj) and perm.split(".", 1)[0] in SYSTEM_ADMIN_APPS:
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if is_system_admin(user_obj) and app_label in SYSTEM_ADMIN_APPS:
            return True
        return super().has_module_perms(user_obj, app_label)
