from django.core import checks


@checks.register(checks.Tags.security, checks.Tags.urls)
def every_url_declares_a_permission(app_configs, **kwargs):
    """Deny by default: PermissionMiddleware refuses these URLs; say so before anyone finds out the hard way."""
    from .permissions import undeclared_urls

    return [
        checks.Warning(
            f"URL {entry.route!r} ({entry.view_name or 'unnamed'}) declares no known permission, so every "
            "request to it is refused.",
            hint="Decorate the view with @permission_required_for('...') or @public "
            "(attend/accounts/permissions.py).",
            id="attend.W001",
        )
        for entry in undeclared_urls()
    ]
