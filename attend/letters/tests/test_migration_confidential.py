"""Migration letters/0003 moves a confidential address from letters.ContactPreference to people.ContactSafety."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("letters", "0002_default_templates")]
AFTER = [("letters", "0003_letters_background_batches")]


@pytest.fixture
def back_to_latest():
    """Going back to letters 0002 unapplies every migration that depends on it (visits, enforcement, ...): put the
    whole schema back to the latest migrations afterwards, so the tests after this one find every table."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_true_values_are_copied_to_contact_safety_then_the_old_field_goes(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([*BEFORE, ("people", "0003_contactsafety")]).apps
    Contact = old.get_model("people", "Contact")
    Preference = old.get_model("letters", "ContactPreference")
    Safety = old.get_model("people", "ContactSafety")
    refuge = Contact.objects.create(
        contact_ref="C1", forename="Sarah", surname="Jones", source_school_id=None
    )
    already = Contact.objects.create(contact_ref="C2", forename="Ann", surname="Lee", source_school_id=None)
    plain = Contact.objects.create(contact_ref="C3", forename="David", surname="Jones", source_school_id=None)
    Preference.objects.create(contact=refuge, confidential_address=True, large_print=True)
    Preference.objects.create(contact=already, confidential_address=True)
    Safety.objects.create(contact=already, barriers=["literacy"])  # a safety record without the flag yet
    Preference.objects.create(contact=plain, confidential_address=False)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Safety = new.get_model("people", "ContactSafety")
    flagged = dict(Safety.objects.values_list("contact__contact_ref", "address_confidential"))
    assert flagged == {"C1": True, "C2": True}
    assert Safety.objects.get(contact__contact_ref="C2").barriers == ["literacy"]
    Preference = new.get_model("letters", "ContactPreference")
    assert "confidential_address" not in {f.name for f in Preference._meta.get_fields()}
    assert Preference.objects.get(contact__contact_ref="C1").large_print is True
