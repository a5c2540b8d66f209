import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_school, make_user


@pytest.fixture
def place(db, settings, tmp_path):
    """An LA with two schools and an officer of the first; files go under a fresh VAR_DIR."""
    settings.VAR_DIR = tmp_path
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    la = make_la()
    school, other = make_school(la=la), make_school(la=la)
    officer = make_user("officer", role=Membership.Role.SCHOOL_OFFICER, school=school)
    return {"la": la, "school": school, "other": other, "officer": officer}
