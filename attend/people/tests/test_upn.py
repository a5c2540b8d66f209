import pytest

from attend.people.upn import make_upn, upn_check_letter, upn_problem


def test_published_example_upn_is_valid():
    # The worked example from DfE's UPN guidance as used by python-stdnum's doctest.
    assert upn_problem("B801200005001") is None


def test_wrong_check_letter_is_explained():
    assert upn_problem("A801200005001") == "UPN check letter is wrong: expected B, found A"


@pytest.mark.parametrize(
    ("upn", "reason"),
    [
        ("B80120000500", "UPN must be 13 characters, not 12"),
        ("I801200005001", "UPN must start with a check letter (A-Z, not I, O or S)"),
        ("X80120000A001", "UPN characters 2 to 12 must be digits"),
        ("B80120000500O", "UPN character 13 must be a digit or a letter other than I, O or S"),
    ],
)
def test_malformed_upns_are_rejected_with_a_reason(upn, reason):
    assert upn_problem(upn) == reason


def test_temporary_upn_ending_in_a_letter_is_checked_too():
    body = "80120000500A"
    assert upn_problem(upn_check_letter(body) + body) is None


def test_made_upns_are_valid_and_distinct():
    upns = {make_upn("999", "2001", 2026, serial) for serial in range(1000)}
    assert len(upns) == 1000
    assert all(upn_problem(u) is None for u in upns)
