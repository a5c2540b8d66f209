"""{{ text|redacted:redactor }}: the bundle's free text with siblings and the other parent's address taken out."""

from django import template

register = template.Library()


@register.filter
def redacted(value, redactor) -> str:
    return redactor(str(value or "")) if redactor else str(value or "")
