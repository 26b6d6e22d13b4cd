"""Encryption at rest of ID numbers and phones: the database holds ciphertext only, lookups by
the whole value keep working through the blind index, keys rotate without losing a row."""

import base64
import datetime
import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from conftest import valid_id_number
from longcheng.audit.models import Action, AuditRecord
from longcheng.core import crypto
from longcheng.core.fields import with_blind_indexes
from longcheng.parties.models import Person


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_holds_no_number_and_the_code_reads_it_back(records):
    person = records.person
    stored_id = _stored("parties_person", "id_number", person.pk)
    stored_phone = _stored("parties_person", "phone", person.pk)
    assert stored_id.startswith("enc1:") and person.id_number not in stored_id
    assert stored_phone.startswith("enc1:") and "13912340001" not in stored_phone
    assert "13912340001" not in _stored("parties_person", "phone_index", person.pk)
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.id_number, fresh.phone) == (person.id_number, "13912340001")
    # Two encryptions of one number differ (random nonce): equal ciphertexts reveal nothing.
    fresh.save()
    assert _stored("parties_person", "phone", person.pk) != stored_phone


def test_whole_values_are_found_through_the_index_and_nothing_else_is_allowed(records):
    person = records.person
    assert Person.objects.filter(id_number=person.id_number).get() == person
    assert Person.objects.filter(id_number=person.id_number.lower()).exists()  # x or X
    assert Person.objects.filter(phone="139 1234 0001").get() == person  # spaces ignored
    assert Person.objects.filter(phone__in=["13900000000", "13912340001"]).get() == person
    assert not Person.objects.filter(phone="13912340002").exists()
    # Nothing left after normalising finds nothing (not every row without a phone).
    Person.objects.filter(pk=person.pk).update(**with_blind_indexes(Person, phone=""))
    assert Person.objects.filter(phone="").get() == person
    assert not Person.objects.filter(phone="13912340001").exists()
    assert not Person.objects.filter(phone="no number").exists()
    with pytest.raises(FieldError, match="encrypted"):
        Person.objects.filter(phone__startswith="139").count()


def test_the_unique_number_per_unit_holds_on_the_index(records):
    duplicate = Person(
        name="重复",
        id_number=records.person.id_number.lower(),
        gender="F",
        birth_date=records.person.birth_date,
        owner_unit=records.person.owner_unit,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_altered_or_moved_value_does_not_decrypt(records):
    person = records.person
    stored = _stored("parties_person", "id_number", person.pk)
    body = bytearray(base64.b64decode(stored.split(":", 2)[2]))
    body[-1] ^= 1
    altered = f"enc1:{crypto.current_key_id()}:{base64.b64encode(bytes(body)).decode()}"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(altered, "parties.person.id_number")
    # The column is bound in: an ID number's ciphertext pasted into the phone column fails.
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, "parties.person.phone")


def test_keys_rotate_without_losing_a_row_or_a_lookup(org, settings):
    old, new = f"k1:{_key()}", f"k2:{_key()}"
    settings.LONGCHENG_FIELD_KEYS = old
    person = Person.objects.create(
        name="贺文静",
        id_number=valid_id_number(),
        phone="13912340001",
        gender="F",
        birth_date=datetime.date(1985, 6, 21),
        owner_unit=org.committee,
    )
    assert _stored("parties_person", "id_number", person.pk).startswith("enc1:k1:")

    settings.LONGCHENG_FIELD_KEYS = f"{new},{old}"
    assert Person.objects.get(pk=person.pk).id_number == person.id_number  # old key still reads
    call_command("rotate_field_keys", stdout=open(os.devnull, "w"))
    assert _stored("parties_person", "id_number", person.pk).startswith("enc1:k2:")
    settings.LONGCHENG_FIELD_KEYS = new  # the old key is gone: everything still reads
    assert Person.objects.get(id_number=person.id_number).phone == "13912340001"
    record = AuditRecord.objects.filter(action=Action.KEY_ROTATION).latest("id")
    assert record.object_repr == "k2" and record.detail["rewritten"]["parties.Person"] == 1
    settings.LONGCHENG_FIELD_KEYS = f"k3:{_key()}"  # a key that never wrote these rows
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk)


def test_a_new_blind_index_key_needs_a_reindex(records, settings):
    phone = records.person.phone
    settings.LONGCHENG_BLIND_INDEX_KEY = _key()
    assert not Person.objects.filter(phone=phone).exists()
    call_command("rotate_field_keys", "--reindex", stdout=open(os.devnull, "w"))
    assert Person.objects.filter(phone=phone).get().pk == records.person.pk


def test_production_refuses_to_start_without_the_keys():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGCHENG_", "DJANGO_"))} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "longcheng.example",
        "DATABASE_URL": "sqlite:////tmp/never-created.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "LONGCHENG_FIELD_KEYS" in result.stderr


def test_an_empty_or_malformed_key_is_refused_at_once(settings):
    settings.LONGCHENG_FIELD_KEYS = "k1:not-base64!"
    with pytest.raises(Exception, match="base64"):
        crypto.encrypt("13900000000", "x.y.z")
    settings.LONGCHENG_FIELD_KEYS = f"k1:{base64.b64encode(b'short').decode()}"
    with pytest.raises(Exception, match="32 bytes"):
        crypto.encrypt("13900000000", "x.y.z")
