"""Numbers that no page can read back are repaired after every migration.

Before the save-time bounds (core.bounds), a decimal like 1e999999 could be stored; SQLite keeps
it as infinity and every page that reads the row then fails for every user. After each
`migrate`, each decimal column of the platform is searched in plain SQL (the ORM cannot read
such a row) for values that are not finite or exceed the column's digits; each is set to NULL
(or 0 where the column requires a value) and written in the audit log with its old text."""

from django.apps import apps
from django.db import connection, models, transaction

REPAIRED = "repair_bad_number"


def _bad_rows(table: str, column: str, pk: str, whole_digits: int) -> list[tuple]:
    quote = connection.ops.quote_name
    limit = 10**whole_digits
    # NaN is the one value not equal to itself; infinities and huge values exceed the limit.
    # Table and column names come from the models; the limit is a parameter.
    sql = (
        f"SELECT {quote(pk)}, CAST({quote(column)} AS TEXT) FROM {quote(table)} "  # noqa: S608
        f"WHERE {quote(column)} IS NOT NULL AND "
        f"(ABS({quote(column)}) >= %s OR {quote(column)} <> {quote(column)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        return cursor.fetchall()


def repair_bad_numbers() -> list[dict]:
    from longcheng.audit.services import audit_record

    repaired = []
    for model in apps.get_models():
        if not model.__module__.startswith("longcheng.") or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DecimalField):
                continue
            table, pk = model._meta.db_table, model._meta.pk.column
            rows = _bad_rows(table, field.column, pk, field.max_digits - field.decimal_places)
            for row_id, old in rows:
                with transaction.atomic():
                    model.objects.filter(pk=row_id).update(
                        **{field.attname: None if field.null else 0}
                    )
                    detail = {
                        "table": table,
                        "id": str(row_id),
                        "field": field.name,
                        "old": str(old)[:60],
                        "new": None if field.null else "0",
                    }
                    audit_record(
                        actor=None,
                        actor_repr="platform",
                        action="update",
                        object_type=model._meta.label_lower,
                        object_id=str(row_id),
                        detail={"reason": REPAIRED, **detail},
                    )
                repaired.append(detail)
    return repaired


def repair_after_migrate(sender, **kwargs) -> None:
    if sender.name == "longcheng.ops":
        repair_bad_numbers()
