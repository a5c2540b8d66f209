"""The demo hook: add_demo_ladder puts a code version, a signed contract, an NTI in force and a school request on
the demo LA's cases at "formalise support" / "enforce"."""

from attend.casework.cases import open_case
from attend.core.tests.factories import make_pupil
from attend.enforcement.demo_ladder import add_demo_ladder
from attend.enforcement.models import AttendanceContract, CodeOfConduct, NoticeRequest, NoticeToImprove

from .ladder_world import contact, ladder_fixture  # noqa: F401


def test_the_demo_hook_makes_each_step(ladder):
    w = ladder
    cases = []
    for name in ("Maya", "Ben", "Cara"):
        pupil = (
            w["maya"]
            if name == "Maya"
            else make_pupil(school=w["alder"], legal_forename=name, surname="Okafor")
        )
        if name != "Maya":
            contact(pupil, f"C-{name}", "Grace", relationship="Mother", pr=True, lives_with=True)
        case, _ = open_case(by=w["sam"], pupil=pupil, school=w["alder"], stage="formalise")
        cases.append(case)
    made = add_demo_ladder(cases, by=w["sam"], school_lead=w["lee"])
    assert made == {"codes": 1, "contracts": 1, "ntis": 1, "requests": 1}
    assert CodeOfConduct.objects.get(local_authority=w["la"]).nti_required
    assert AttendanceContract.objects.get().status == "signed"
    assert NoticeToImprove.objects.get().pupil.legal_forename == "Ben"
    assert NoticeRequest.objects.get().status == "submitted"
