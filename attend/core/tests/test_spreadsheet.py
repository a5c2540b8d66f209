import datetime as dt
from decimal import Decimal

from attend.core.spreadsheet import cell, row


def test_text_that_a_spreadsheet_would_run_is_defused():
    assert cell('=HYPERLINK("http://x","click")') == '\'=HYPERLINK("http://x","click")'
    assert cell("+44 7700 900123") == "'+44 7700 900123"
    assert cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("-x") == "'-x"
    assert cell("Olivia Test-Pupil") == "Olivia Test-Pupil"


def test_numbers_dates_and_flags_keep_their_meaning():
    assert row([-1.5, 0, Decimal("-2.25"), None, True, False]) == [-1.5, 0, Decimal("-2.25"), "", "yes", "no"]
    assert cell(dt.date(2026, 11, 25)) == "2026-11-25"
    assert cell(dt.datetime(2026, 11, 25, 9, 30, 15, 123456)) == "2026-11-25T09:30:15"
