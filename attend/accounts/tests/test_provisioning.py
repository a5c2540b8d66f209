"""Issue 14: `attend users create` and `attend users import FILE.csv` set up an LA's team from a script."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from attend.accounts.models import User
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_la, make_school, make_trust


@pytest.fixture
def place(db):
    la = make_la()
    trust = make_trust()
    trust.group_uid = "16001"
    trust.save()
    return {"la": la, "school": make_school(la=la, trust=trust), "trust": trust}


def users(*args) -> str:
    out = io.StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_first_password_once_and_a_second_run_changes_nothing(place):
    urn = str(place["school"].urn)
    out = users(
        "create", "nia.jones", "--role", "school_officer", "--school", urn, "--email", "nia@example.org"
    )
    password = re.search(r"First password \(shown once, give it privately\): (\S+)", out)[1]
    user = User.objects.get(username="nia.jones")
    assert user.check_password(password) and user.email == "nia@example.org"
    assert (user.memberships.get().role, user.memberships.get().school) == ("school_officer", place["school"])
    event = AuditEvent.objects.get(action="accounts.user.created")
    assert (event.object_id, event.data["role"], event.data["via"]) == (
        str(user.pk),
        "school_officer",
        "attend users create",
    )
    assert password not in str(event.data)

    again = users("create", "nia.jones", "--role", "la_manager", "--la", place["la"].code)
    assert again.strip() == "nia.jones already exists: nothing changed."
    user.refresh_from_db()
    assert user.check_password(password) and list(user.memberships.values_list("role", flat=True)) == [
        "school_officer"
    ]
    assert AuditEvent.objects.filter(action="accounts.user.created").count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "wizard", "--la", "201"], "role: unknown role 'wizard'"),
        (["--role", "la_officer", "--la", "999"], "la_code: no local authority with code '999'"),
        (["--role", "school_officer", "--school", "1"], "school_urn: no school with URN '1'"),
        (["--role", "dsl", "--trust", "nope"], "trust_id: no trust with group UID 'nope'"),
        (["--role", "la_officer"], "give the school (--school), trust (--trust) or local authority (--la)"),
        (["--role", "system_admin", "--la", "201"], "a system administrator has no school"),
        (["--role", "la_officer", "--la", "201", "--email", "not-an-email"], "email: not an email address"),
    ],
)
def test_create_refuses_with_a_clear_error_and_creates_nobody(place, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        users("create", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_a_trust_and_a_system_admin(place):
    users("create", "tara", "--role", "la_officer", "--trust", "16001")
    users("create", "sam", "--role", "system_admin")
    assert User.objects.get(username="tara").memberships.get().trust == place["trust"]
    assert User.objects.get(username="sam").memberships.get().role == "system_admin"


def test_import_is_all_or_nothing_with_file_line_field_reasons(place, tmp_path):
    path = tmp_path / "team.csv"
    path.write_text(
        "\ufeffUsername,Role,School_URN,la_code,email\n"
        f"amira.khan,la_officer,,{place['la'].code},amira@example.org\n"
        "ben,school_officer,123,,\n"
        "amira.khan,dsl,,201,\n"
        "carl,headmaster,,201,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        users("import", str(path))
    assert str(refused.value).splitlines()[1:] == [
        "team.csv:3: school_urn: no school with URN '123'",
        "team.csv:4: username: 'amira.khan' is also on line 2",
        "team.csv:5: role: unknown role 'headmaster'; roles are " + ", ".join(
            ["la_officer", "la_manager", "school_officer", "attendance_lead", "headteacher", "dsl",
             "class_teacher", "social_worker", "virtual_school", "system_admin"]
        ),
    ]  # fmt: skip
    assert not User.objects.exists() and not AuditEvent.objects.exists()


def test_import_creates_new_users_once(place, tmp_path):
    path = tmp_path / "team.csv"
    path.write_text(
        "username,role,school_urn,trust_id,la_code,email\n"
        f"amira.khan,la_officer,,,{place['la'].code},\n"
        f"ben.ode,dsl,{place['school'].urn},,,ben@example.org\n"
    )
    first = users("import", str(path))
    assert first.count("First password") == 2 and "2 created, 0 already existed." in first
    second = users("import", str(path))
    assert "First password" not in second and "0 created, 2 already existed." in second
    assert User.objects.count() == 2
    assert AuditEvent.objects.filter(action="accounts.user.created").count() == 2


def test_attend_import_users_is_the_same_import(place, tmp_path):
    path = tmp_path / "team.csv"
    path.write_text(
        f"username,role,school_urn,trust_id,la_code,email\ncara.lee,dsl,{place['school'].urn},,,\n"
    )
    out = io.StringIO()
    call_command("import", "users", str(path), stdout=out)
    assert "cara.lee created. First password" in out.getvalue()
    assert "1 created, 0 already existed." in out.getvalue()
    assert User.objects.get(username="cara.lee").memberships.get().school == place["school"]
    bad = tmp_path / "bad.csv"
    bad.write_text("username,role,school_urn,trust_id,la_code,email\ndan.roe,wizard,,,,\n")
    with pytest.raises(CommandError, match="bad.csv:2: role: "):
        call_command("import", "users", str(bad), stdout=io.StringIO())
    assert not User.objects.filter(username="dan.roe").exists()
