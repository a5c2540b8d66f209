"""The pupil list's filters as a person sees them: every active filter named, each with a link that removes it
(issue 23: a filter set from a dashboard link, such as an ethnic group, was a hidden input)."""

from __future__ import annotations

from django.http import QueryDict

from attend.people.ethnicity import ETHNICITY, ethnicity_label

from . import dashboards

YES_NO = {"True": "Yes", "False": "No"}


def _year(value: str) -> str:
    return "Reception" if value == "R" else f"Year {value}"


LABELS = {
    "nc_year": ("Year group", _year),
    "fsm": ("Free school meals", lambda v: YES_NO.get(v, v)),
    "sen_status": ("Special educational needs", lambda v: dashboards.SEN.get(v, v)),
    "sex": ("Sex", lambda v: dashboards.SEX.get(v, v)),
    "looked_after": ("Looked after", lambda v: YES_NO.get(v, v)),
    "ethnicity": ("Ethnicity", ethnicity_label),
}


def active_filters(query: QueryDict, filters: dict[str, str]) -> list[dict[str, str]]:
    """One entry per filter in use: its name, its value in words, and the query string without it."""
    active = []
    for name, (heading, words) in LABELS.items():
        value = filters.get(name, "")
        if not value:
            continue
        rest = query.copy()
        rest.pop(name, None)
        rest.pop("page", None)
        active.append({"name": name, "heading": heading, "value": words(value), "remove": rest.urlencode()})
    return active


def ethnicity_choices(selected: str) -> list[tuple[str, str]]:
    """The DfE main codes as (code, description), with a selected code outside the list kept so it shows."""
    choices = list(ETHNICITY.items())
    if selected and selected not in ETHNICITY:
        choices.append((selected, ethnicity_label(selected)))
    return choices
