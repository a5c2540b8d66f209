"""GOV.UK Design System form markup for Django forms: `{% error_summary form %}` and `{% govuk_field field %}`."""

from __future__ import annotations

from django import forms, template

register = template.Library()


def _kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.inclusion_tag("web/forms/_error_summary.html")
def error_summary(form):
    errors = []
    for field in form:
        for error in field.errors:
            target = field.id_for_label or f"id_{field.html_name}"
            if _kind(field) == "radios":
                target = f"{field.auto_id}_0"
            errors.append((target, error))
    for error in form.non_field_errors():
        errors.append(("", error))
    return {"errors": errors}


@register.inclusion_tag("web/forms/_field.html")
def govuk_field(field, width: str = ""):
    widget = field.field.widget
    return {
        "field": field,
        "kind": _kind(field),
        "width": width,
        "input_type": getattr(widget, "input_type", "text"),
        "value": field.value() if field.value() is not None else "",
        "choices": [(str(v), label) for v, label in getattr(field.field, "choices", [])],
        "current": "" if field.value() is None else str(field.value()),
    }
