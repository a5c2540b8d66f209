"""From the mapping page's answers to a ProfileSpec (and, if asked, a saved profile). Plain functions, so the
view stays thin; the ProfileSpec, its checks and save_profile are the engine's
(attend.registers.imports.profiles)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from attend.core.scoping import schools_visible_to
from attend.schools.models import LocalAuthority

from . import drafts


class MappingRefused(Exception):
    """The answers do not make a mapping Attend can read with; `errors` are (form field or None, message)."""

    def __init__(self, errors: list[tuple[str | None, str]]):
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def _copy(spec):
    return drafts.engine().ProfileSpec.from_json(spec.to_json())


def spec_from_form(form, *, user):
    """(spec, profile name) from a valid MappingForm. Raises MappingRefused with the field errors: an
    unmapped required field, no school for a file without a URN column, a name already used, a profile the user
    may not save there. Saving (if asked) goes through the engine's save_profile, which audits it."""
    engine = drafts.engine()
    data = form.cleaned_data
    school = data.get("school") or _only_school(user)
    chosen = form.chosen_profile()
    if chosen is not None:
        spec, name = _copy(chosen.spec), chosen.name
    else:
        spec = engine.ProfileSpec(
            layout=data["layout"],
            columns=form.columns(),
            date_format=data["date_format"],
            # 0: found afresh in each file (next week's report may have another number of title lines).
            header_line=0,
            wide_header=data.get("wide_header") or "auto",
            fill_down=form.fill_down(),
        )
        name = ""
    if not spec.columns.get("school_urn"):
        if not school and not spec.school_urn:
            raise MappingRefused(
                [("school", "Choose the school the report is from, or its school URN column")]
            )
        if school:
            spec.school_urn = school
    else:
        spec.school_urn = ""
    errors = [
        (_field_of(words, engine.FIELDS), f"Choose the column that holds the {words}")
        for words in spec.unmapped()
    ]
    if errors:
        raise MappingRefused(errors)
    if data.get("save"):
        name = _save(spec, data["save_name"].strip(), data["save_for"], user=user)
    return spec, name


def _only_school(user) -> str:
    """The URN of the user's one school, if they see exactly one ("" otherwise: they choose)."""
    urns = list(schools_visible_to(user).values_list("urn", flat=True)[:2])
    return str(urns[0]) if len(urns) == 1 else ""


def _field_of(words: str, fields: dict[str, str]) -> str | None:
    lowered = words.lower()
    for field, label in fields.items():
        if label.lower() in lowered or field.replace("_", " ") in lowered:
            return "school" if field == "school_urn" else f"col_{field}"
    return None


def _save(spec, name: str, target: str, *, user) -> str:
    """Save the mapping as a profile for one school or one LA the user imports for."""
    kind, _, pk = target.partition(":")
    owner = {}
    if kind == "school":
        owner["school"] = schools_visible_to(user).filter(pk=pk).first()
        if owner["school"] is None:
            raise MappingRefused([("save_for", "Choose a school you import for")])
    else:
        owner["local_authority"] = LocalAuthority.objects.filter(pk=pk).first()
        if owner["local_authority"] is None:
            raise MappingRefused([("save_for", "Choose who can use the profile")])
        spec = _copy(spec)
        spec.school_urn = ""  # an LA's profile serves every school: the school is chosen with each file
    try:
        with transaction.atomic():
            saved = drafts.engine().save_profile(by=user, name=name, spec=spec, **owner)
    except IntegrityError:
        raise MappingRefused([("save_name", f"A profile called “{name}” already exists there")]) from None
    except PermissionDenied:
        raise MappingRefused([("save_for", "You cannot save a profile there")]) from None
    except (ValidationError, ValueError, drafts.import_failed()) as refused:
        raise MappingRefused([("save_name", _message(refused))]) from None
    return saved.name


def _message(exc) -> str:
    messages = getattr(exc, "messages", None)
    return "; ".join(messages) if messages else str(exc)
