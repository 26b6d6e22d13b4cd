"""Model fields for personal identifiers encrypted at rest (see ``core.crypto``).

    id_number = EncryptedCharField(_("居民身份证号码"), max_length=18, kind="id_number",
                                   blind_index="id_number_index")
    id_number_index = BlindIndexField()

Code reads and writes ``id_number`` as plain text; the database holds only ciphertext. The
index field is read from the value itself, so model validation (unique constraints on the
index) and saves agree. ``filter(id_number=…)`` and ``filter(id_number__in=…)`` are answered
through the index (a blank value through the column itself); any other lookup (contains,
ordering by the number …) is refused with a FieldError, because the database cannot see the
numbers. A queryset ``update()`` must pass the index too:
use ``with_blind_indexes``."""

import re

from django.core.exceptions import FieldError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, In, IsNull
from django.db.models.query_utils import DeferredAttribute

from . import crypto
from .validators import normalise_id_number

_NOT_DIGITS = re.compile(r"\D")


def _normalise(kind: str, value: str) -> str:
    if kind == "phone":
        return _NOT_DIGITS.sub("", value)
    if kind == "id_number":
        return normalise_id_number(value)
    return value.strip()


class _IndexAttribute(DeferredAttribute):
    """Reads the blind index from the paired value whenever that value is loaded, so the index
    can never disagree with it (not after assignment, not in validation, not at save); the
    stored index is used only while the value itself is deferred."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        source = self.field.source  # type: ignore[attr-defined]  # a BlindIndexField
        value = instance.__dict__.get(source.attname)
        if value is None:
            return super().__get__(instance, cls)
        cache_key = f"_index_of_{source.attname}"
        cached = instance.__dict__.get(cache_key)
        if cached is None or cached[0] != value:
            cached = (value, source.index_of(value) if value else "")
            instance.__dict__[cache_key] = cached
        return cached[1]

    def __set__(self, instance, value):
        # A data descriptor, so that reads come through __get__ even once a value is stored.
        instance.__dict__[self.field.attname] = value


class EncryptedCharField(models.CharField):
    def __init__(self, *args, kind: str = "text", blind_index: str = "", **kwargs):
        self.kind = kind
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        # max_length limits the plain value (forms, validation); the column holds ciphertext.
        return "TextField"

    @property
    def column_label(self) -> str:
        """The associated data and the index's domain: a value belongs to this column only."""
        return f"{self.model._meta.label_lower}.{self.name}"

    def index_of(self, value: str) -> str:
        return crypto.blind_index(_normalise(self.kind, str(value)), self.column_label)

    def lookup_value(self, value) -> str:
        """ "" finds blank values; a value with nothing left after normalising finds nothing."""
        if value in ("", None):
            return ""
        return self.index_of(value) or "-"

    def from_db_value(self, value, expression, connection):
        if not value or not crypto.is_encrypted(value):
            return value  # blank, or a row written before encryption (rotate_field_keys fixes)
        return crypto.decrypt(value, self.column_label)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value, self.column_label)

    def get_lookup(self, lookup_name):
        lookup = {"exact": BlindExact, "in": BlindIn, "isnull": IsNull}.get(lookup_name)
        if lookup is None or (lookup is not IsNull and not self.blind_index):
            raise FieldError(
                f"{self.column_label} is encrypted: only exact and in lookups through its blind "
                f"index are possible, not {lookup_name!r}."
            )
        return lookup

    def get_transform(self, lookup_name):
        return None


class BlindIndexField(models.CharField):
    """The HMAC of the paired encrypted field's normalised value; indexed for lookups. Declare
    it with db_default="" so that bulk SQL leaving the column out (generators, COPY) stays
    valid for rows without a value."""

    descriptor_class = _IndexAttribute

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", crypto.INDEX_HEX_CHARS)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @property
    def source(self) -> EncryptedCharField:
        cached = self.__dict__.get("_source")
        if cached is None or cached.model is not self.model:
            cached = next(
                (
                    field
                    for field in self.model._meta.concrete_fields
                    if isinstance(field, EncryptedCharField) and field.blind_index == self.name
                ),
                None,
            )
            if cached is None:
                raise FieldError(f"{self.name}: no encrypted field names it as its blind index.")
            self.__dict__["_source"] = cached
        return cached


def _index_column(lhs):
    field = lhs.target
    return field, field.model._meta.get_field(field.blind_index).get_col(lhs.alias)


class BlindExact(Exact):
    def __init__(self, lhs, rhs):
        if rhs in ("", None):  # blanks are stored blank: the column itself answers
            super().__init__(lhs, rhs)
            return
        field, index_col = _index_column(lhs)
        super().__init__(index_col, field.lookup_value(rhs))


class BlindIn(In):
    def __init__(self, lhs, rhs):
        field, index_col = _index_column(lhs)
        super().__init__(index_col, [field.lookup_value(value) for value in rhs])


def with_blind_indexes(model, **values) -> dict:
    """Values for a queryset ``update()`` with each encrypted field's index added."""
    for name, value in list(values.items()):
        field = model._meta.get_field(name)
        if isinstance(field, EncryptedCharField) and field.blind_index:
            values[field.blind_index] = field.index_of(value) if value else ""
    return values


def encrypted_fields(model) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def reseal(model, *, everything: bool = False, batch_size: int = 500) -> int:
    """Re-encrypt with the current key and recompute the blind indexes, batch by batch.

    By default only rows holding plain text or another key's ciphertext; ``everything`` redoes
    every row (after the blind-index key changed). Used by the migrations that introduced
    encryption and by ``manage.py rotate_field_keys``; returns the number of rows written."""
    fields = encrypted_fields(model)
    if not fields:
        return 0
    names = [f.name for f in fields] + [f.blind_index for f in fields if f.blind_index]
    rows_to_do = model._base_manager.order_by("pk")
    if not everything:
        current = f"{crypto.PREFIX}:{crypto.current_key_id()}:"
        stale = Q()
        for field in fields:
            raw = f"raw_{field.name}"
            rows_to_do = rows_to_do.annotate(**{raw: Cast(field.name, models.TextField())})
            stale |= ~Q(**{f"{raw}__startswith": current}) & ~Q(**{raw: ""})
        rows_to_do = rows_to_do.filter(stale)
    # Freshly loaded rows read their index from the value, i.e. with the current key.
    written, last_pk = 0, None
    while True:
        page = rows_to_do if last_pk is None else rows_to_do.filter(pk__gt=last_pk)
        rows = list(page[:batch_size])
        if not rows:
            return written
        with transaction.atomic():
            model._base_manager.bulk_update(rows, names)
        written += len(rows)
        last_pk = rows[-1].pk
