"""Two-factor throttling counts wrong codes (issue 23 item 16): a typo followed at once by the right code signs in
(setting up and signing in alike); ATTEND_2FA_MAX_FAILURES wrong codes in a row lock the prompt for
ATTEND_2FA_LOCK_SECONDS, even for the right code; after the lock the count starts again; a right code resets it."""

import datetime as dt

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from attend.accounts.two_factor import make_recovery_codes
from attend.core.tests.factories import make_school, make_user

LOCKED = "You entered a wrong code 5 times. For your security, wait 15 minutes, then try again."


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_for(device: TOTPDevice) -> str:
    right = int(code_for(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


@pytest.fixture
def officer(db, settings):
    settings.ATTEND_REQUIRE_2FA = True
    settings.ATTEND_2FA_MAX_FAILURES = 5
    settings.ATTEND_2FA_LOCK_SECONDS = 15 * 60
    return make_user("officer", role="school_officer", school=make_school())


@pytest.fixture
def enrolled(officer, client):
    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    client.force_login(officer)
    return device


def post(client, token: str):
    return client.post("/two-factor/", {"token": token, "next": "/"})


def test_setting_up_a_wrong_code_then_the_right_one_at_once_is_accepted(officer, client):
    client.force_login(officer)
    client.get("/two-factor/")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert b"That code is not right" in post(client, wrong_for(device)).content
    response = post(client, code_for(device))
    assert response.status_code == 200 and b"Your recovery codes" in response.content
    assert TOTPDevice.objects.get(user=officer).confirmed


def test_signing_in_a_wrong_code_then_the_right_one_at_once_is_accepted(enrolled, client):
    assert b"That code is not right" in post(client, wrong_for(enrolled)).content
    response = post(client, code_for(enrolled))
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_four_wrong_codes_then_the_right_one_signs_in_and_resets_the_count(enrolled, client):
    for _ in range(4):
        assert b"That code is not right" in post(client, wrong_for(enrolled)).content
    assert post(client, code_for(enrolled)).status_code == 302
    enrolled.refresh_from_db()
    assert enrolled.throttling_failure_count == 0


def test_five_wrong_codes_lock_the_prompt_even_for_the_right_code(enrolled, client):
    for _ in range(4):
        assert b"That code is not right" in post(client, wrong_for(enrolled)).content
    fifth = post(client, wrong_for(enrolled))
    assert b"That code is not right" in fifth.content
    refused = post(client, code_for(enrolled))
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert client.get("/")["Location"] == "/two-factor/?next=/"
    enrolled.refresh_from_db()
    assert enrolled.throttling_failure_count == 5  # a refusal while locked is not counted as a guess


def test_the_lock_ends_after_the_lock_period_and_the_count_starts_again(enrolled, client):
    for _ in range(5):
        post(client, wrong_for(enrolled))
    enrolled.refresh_from_db()
    stamp = enrolled.throttling_failure_timestamp
    # One second short of the period: still locked, with a minute to go.
    TOTPDevice.objects.filter(pk=enrolled.pk).update(
        throttling_failure_timestamp=stamp - dt.timedelta(seconds=15 * 60 - 1)
    )
    assert "wait 1 minute, then" in post(client, code_for(enrolled)).content.decode()
    TOTPDevice.objects.filter(pk=enrolled.pk).update(
        throttling_failure_timestamp=stamp - dt.timedelta(seconds=15 * 60)
    )
    assert b"That code is not right" in post(client, wrong_for(enrolled)).content
    enrolled.refresh_from_db()
    assert enrolled.throttling_failure_count == 1
    assert post(client, code_for(enrolled)).status_code == 302


def test_recovery_codes_are_throttled_by_count_too(enrolled, client, officer):
    codes = make_recovery_codes(officer)
    made_up = "aaaa-bbbb-cccc-dddd"
    assert b"That recovery code is not right" in post(client, made_up).content
    assert post(client, codes[0]).status_code == 302  # a typo then the right code, at once
    client.logout()
    client.force_login(officer)
    for _ in range(5):
        assert b"That recovery code is not right" in post(client, made_up).content
    assert LOCKED in post(client, codes[1]).content.decode()
    assert StaticDevice.objects.get(user=officer).token_set.count() == 9  # codes[1] was not used up
