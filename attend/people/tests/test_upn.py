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


def test_a_lower_case_upn_is_refused_as_lower_case_not_as_a_wrong_check_letter():
    upn = make_upn("999", "2001", 2026, 7)
    assert upn_problem(upn.lower()) == f"UPN must be upper case: {upn}, not {upn.lower()}"


def test_a_temporary_upn_with_a_lower_case_last_letter_is_refused_as_lower_case():
    body = "80120000500A"
    upn = upn_check_letter(body) + body
    assert upn_problem(upn[:-1] + "a") == f"UPN must be upper case: {upn}, not {upn[:-1]}a"


def test_length_is_still_checked_before_case():
    assert upn_problem("b80120000500") == "UPN must be 13 characters, not 12"


@pytest.mark.django_db
def test_a_pupils_file_with_a_lower_case_upn_names_the_line_and_says_upper_case(tmp_path):
    from attend.registers.imports import ImportFailed, import_file
    from attend.registers.tests.factories import write_csv

    write = write_csv(
        tmp_path / "schools.csv",
        ["la_code", "la_name", "urn", "laestab", "name", "phase"],
        [["999", "Testshire", "100001", "9992001", "Fakeley Primary", "primary"]],
    )
    import_file("schools", write)
    upn = make_upn("999", "2001", 15, 1)
    path = write_csv(
        tmp_path / "pupils.csv",
        ["upn", "school_urn", "legal_forename", "legal_surname", "date_of_birth", "sex", "nc_year",
         "admission_date"],
        [[upn.lower(), "100001", "Amy", "Testperson", "2015-05-01", "F", "4", "2019-09-04"]],
    )  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        import_file("pupils", path)
    assert failed.value.messages == [f"pupils.csv:2: upn: UPN must be upper case: {upn}, not {upn.lower()}"]
