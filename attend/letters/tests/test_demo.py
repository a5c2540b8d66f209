import pytest

from attend.letters.demo import STAGES, record_demo_letters
from attend.letters.models import Message

from .factories import AS_OF, make_contact, make_pupil, make_school

pytestmark = pytest.mark.django_db


def test_demo_letters_cover_every_stage_with_statuses(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", AS_OF.isoformat())
    school = make_school()
    for surname in ("Able", "Baker", "Cole"):
        make_contact(surname, pupil=make_pupil(school, absences=20, surname=surname))
    made = record_demo_letters(school_ids=[school.pk], as_of=AS_OF, pupils=3)
    assert made == len(STAGES) * 3
    names = set(Message.objects.values_list("template_version__template__name", flat=True))
    assert names == {name for name, _, _ in STAGES}
    assert {"delivered", "sent", "failed", "returned", "held"} <= set(
        Message.objects.values_list("status", flat=True)
    )
    # Each returned letter asks for an address check on the work list, as Notify's report would.
    from attend.alerts.models import Alert

    returned = Message.objects.filter(status="returned")
    assert set(Alert.objects.filter(rule="returned_post").values_list("pupil_id", flat=True)) == set(
        returned.values_list("pupil_id", flat=True)
    )
