"""The template library: which template a school uses, and saving a new version (checked first)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet

from attend import audit
from attend.schools.models import LocalAuthority, School, Trust

from .fields import TemplateProblem, check_template, sample_context
from .models import Channel, LetterTemplate, TemplateVersion
from .sms import MAX_FRAGMENTS, sms_length

# Templates Attend sends to professionals on its own (never chosen to send to a family from the pupil page).
NOT_FOR_FAMILIES = frozenset({"timetable_la_notice"})


def owner_keys(school: School | None) -> list[str]:
    """Most specific first: the school's own, its trust's, its LA's, then the shipped default."""
    if school is None:
        return ["default"]
    keys = [f"school:{school.pk}"]
    if school.trust_id:
        keys.append(f"trust:{school.trust_id}")
    keys += [f"la:{school.local_authority_id}", "default"]
    return keys


def available(school: School | None, language: str = "en") -> list[LetterTemplate]:
    """Every template name a school can use, each resolved to the most specific owner (one per name)."""
    keys = owner_keys(school)
    rank = {k: i for i, k in enumerate(keys)}
    best: dict[str, LetterTemplate] = {}
    for t in LetterTemplate.objects.filter(owner_key__in=keys, language=language).select_related("current"):
        if t.name not in best or rank[t.owner_key] < rank[best[t.name].owner_key]:
            best[t.name] = t
    return sorted(best.values(), key=lambda t: (t.kind, t.name))


def resolve(name: str, school: School | None, language: str = "en") -> tuple[LetterTemplate, bool]:
    """The template `name` for a school in a language, and whether a variant in that language was found.

    Without a variant in the contact's language the English one is used (and the caller flags the message
    "interpreter or translation needed")."""
    keys = owner_keys(school)
    found = {
        (t.owner_key, t.language): t
        for t in LetterTemplate.objects.filter(
            name=name, owner_key__in=keys, language__in={language, "en"}
        ).select_related("current", "school", "local_authority", "trust")
    }
    for lang in dict.fromkeys([language, "en"]):
        for key in keys:
            if (key, lang) in found:
                return found[(key, lang)], lang == language
    raise LetterTemplate.DoesNotExist(f"No template called {name!r} for {school or 'the default library'}.")


def templates_for_owner(*, la=None, trust=None, school=None) -> QuerySet[LetterTemplate]:
    q = Q(owner_key="default")
    if school is not None:
        q |= Q(owner_key__in=owner_keys(school))
    if trust is not None:
        q |= Q(trust=trust)
    if la is not None:
        q |= Q(local_authority=la)
    return LetterTemplate.objects.filter(q)


def check_version_text(channel: str, subject: str, body: str) -> None:
    """Refuse what could not be sent: bad syntax, unknown fields, an SMS over 3 fragments (TemplateProblem)."""
    check_template(subject, "subject")
    check_template(body, "body")
    if channel == Channel.SMS:
        from .render import render_text

        length = sms_length(render_text(body, sample_context()))
        if length.fragments > MAX_FRAGMENTS:
            raise TemplateProblem(
                f"The text message is too long: {length} with example details filled in; "
                f"the most allowed is {MAX_FRAGMENTS}. Say less: phones are shared."
            )


@transaction.atomic
def version_save(
    template: LetterTemplate,
    *,
    subject: str,
    body: str,
    by=None,
    note: str = "",
    la: LocalAuthority | None = None,
    trust: Trust | None = None,
    school: School | None = None,
) -> TemplateVersion:
    """Save new text as a new version. Editing a template owned higher up (the default, or the LA's from a school)
    creates the owner's own copy, which then overrides it for them."""
    check_version_text(template.channel, subject, body)
    owner = {"local_authority": la, "trust": trust, "school": school}
    key = (
        f"school:{school.pk}"
        if school
        else f"trust:{trust.pk}"
        if trust
        else f"la:{la.pk}"
        if la
        else "default"
    )
    if key != template.owner_key:
        template, _ = LetterTemplate.objects.get_or_create(
            owner_key=key,
            name=template.name,
            language=template.language,
            defaults={
                **owner,
                **{
                    f: getattr(template, f)
                    for f in ("title", "description", "kind", "channel", "formal", "immediate", "placeholder")
                },
                "translation_note": template.translation_note,
            },
        )
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    last = template.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = TemplateVersion.objects.create(
        template=template, number=last + 1, subject=subject, body=body, note=note, created_by=by
    )
    template.current = version
    template.save(update_fields=["current"])
    if by is not None:
        audit.record(
            "letters.template.saved",
            by=by,
            obj=template,
            school=school,
            data={"name": template.name, "version": version.number, "owner": template.owner_label},
        )
    return version
