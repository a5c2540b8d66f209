"""Unique Pupil Number (UPN) check-character validation.

A UPN is 13 characters: a check letter, the 3-digit LA number, the 4-digit establishment number, 2 digits for the
year of issue and a 3-digit serial. Temporary UPNs end in a letter. The check letter is the weighted sum of
characters 2-13 (weights 2 to 13, letters valued by their place in CHECK_LETTERS) modulo 23.
(DfE, "Unique pupil numbers (UPN): guidance for schools and local authorities".)
"""

from __future__ import annotations

# The 23 letters DfE uses: I, O and S are left out because they look like digits.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _value(char: str) -> int:
    return int(char) if char.isdigit() else CHECK_LETTERS.index(char)


def upn_check_letter(body: str) -> str:
    """The check letter for the last 12 characters of a UPN."""
    total = sum(weight * _value(char) for weight, char in enumerate(body, start=2))
    return CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Why `upn` is not a valid UPN, in plain words, or None if it is valid."""
    if len(upn) != 13:
        return f"UPN must be 13 characters, not {len(upn)}"
    if upn != upn.upper():
        # UPNs are upper case by definition; say so rather than call a lower-case check letter a wrong one.
        return f"UPN must be upper case: {upn.upper()}, not {upn}"
    if upn[0] not in CHECK_LETTERS:
        return "UPN must start with a check letter (A-Z, not I, O or S)"
    if not upn[1:12].isdigit():
        return "UPN characters 2 to 12 must be digits"
    if not (upn[12].isdigit() or upn[12] in CHECK_LETTERS):
        return "UPN character 13 must be a digit or a letter other than I, O or S"
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        return f"UPN check letter is wrong: expected {expected}, found {upn[0]}"
    return None


def make_upn(la_code: str, estab: str, year: int, serial: int) -> str:
    """Build a valid permanent UPN (used by the demo generator and tests)."""
    body = f"{int(la_code):03d}{int(estab):04d}{year % 100:02d}{serial % 1000:03d}"
    return upn_check_letter(body) + body
