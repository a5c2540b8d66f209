import csv
from pathlib import Path

import pytest

from attend.registers.codes import code_table
from attend.registers.models import AttendanceCode

SHARED_CSV = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "attendance_codes_2024.csv"

EXPECTED = {
    # code: (category, possible session, counts as attendance) -- domain.md 1.1 and shared/README.md identities
    "/": ("present", True, True),
    "\\": ("present", True, True),
    "L": ("present", True, True),
    "B": ("approved_educational_activity", True, True),
    "J": ("approved_educational_activity", True, True),
    "K": ("approved_educational_activity", True, True),
    "P": ("approved_educational_activity", True, True),
    "V": ("approved_educational_activity", True, True),
    "W": ("approved_educational_activity", True, True),
    **{
        c: ("authorised_absence", True, False)
        for c in ["C", "C1", "C2", "E", "F", "H", "I", "J1", "M", "R", "S", "T"]
    },
    **{c: ("unauthorised_absence", True, False) for c in ["G", "N", "O", "U"]},
    **{
        c: ("not_possible", False, False)
        for c in ["D", "X", "Q", "Z", "#", "Y", *[f"Y{i}" for i in range(1, 8)]]
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_code_has_its_dfe_category(code):
    row = AttendanceCode.objects.get(code=code)
    assert (row.statistical_category, row.is_possible_session, row.counts_as_attendance) == EXPECTED[code]


@pytest.mark.django_db
def test_the_table_holds_exactly_the_2024_set_plus_legacy_codes():
    assert set(AttendanceCode.objects.values_list("code", flat=True)) == set(EXPECTED)
    assert set(AttendanceCode.objects.filter(is_legacy=True).values_list("code", flat=True)) == {
        "H",
        "F",
        "J",
        "Y",
    }


@pytest.mark.skipif(not SHARED_CSV.exists(), reason="shared/ reference not beside the checkout")
def test_the_shipped_copy_matches_the_shared_reference():
    with SHARED_CSV.open(newline="", encoding="utf-8") as f:
        shared = {row["code"]: row for row in csv.DictReader(f)}
    assert set(shared) == set(code_table())
    for code, row in shared.items():
        assert code_table()[code].statistical_category == row["statistical_category"]
