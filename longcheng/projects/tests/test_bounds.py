"""A number or date that could not be read back is refused where it is parsed and again at the
save, with the field named: a stored 1e999999 once broke the cockpit for every user."""

import datetime
from decimal import Decimal

import pytest

from longcheng.core.bounds import ValueOutOfBounds, check_bounds
from longcheng.core.errors import LongchengError
from longcheng.projects.models import KeyProject
from longcheng.web import inputs


@pytest.mark.parametrize("value", ["1e999999", "Infinity", "NaN", "-1e20", "123456789012345"])
def test_a_money_field_refuses_what_no_column_holds(value):
    with pytest.raises(LongchengError, match="本月完成投资"):
        inputs.money(value, "本月完成投资")


def test_a_money_field_takes_separators_and_gives_a_decimal():
    assert inputs.money("1,234.50", "金额") == Decimal("1234.50")
    assert inputs.money("", "金额", required=False) is None


@pytest.mark.parametrize("value", ["99999-01-01", "1899-12-31", "2101-01-01", "2027-02-30", "x"])
def test_a_day_outside_1900_to_2100_or_impossible_is_refused(value):
    with pytest.raises(LongchengError, match="送达日期"):
        inputs.day(value, "送达日期")


def test_ids_that_are_not_ids_find_nothing():
    assert inputs.record_id("12") == 12
    for bad in ("x", "-1", "0", "1e3", "99999999999999999999999", None, ""):
        assert inputs.record_id(bad) is None
    assert inputs.record_ids(["3", "x", "4", "-2"]) == [3, 4]


def test_the_save_itself_refuses_a_number_or_date_out_of_bounds():
    project = KeyProject(name="晶科项目", total_investment=Decimal("1e999999"))
    with pytest.raises(ValueOutOfBounds, match="总投资"):
        check_bounds(project)
    project.total_investment = Decimal("12345678.90")
    check_bounds(project)  # fits DECIMAL(14, 2)
    from longcheng.loop.models import Matter

    with pytest.raises(ValueOutOfBounds, match="受理时间"):
        check_bounds(Matter(received_at=datetime.datetime(3000, 1, 1, tzinfo=datetime.UTC)))


@pytest.mark.django_db
def test_a_bad_number_never_reaches_the_database(org):
    with pytest.raises(ValueOutOfBounds, match="总投资"):
        KeyProject.objects.create(
            name="晶科项目", total_investment=Decimal("NaN"), lead_unit=org.brigade1
        )
    assert not KeyProject.objects.exists()


@pytest.mark.django_db
def test_a_stored_unreadable_number_is_repaired_and_audited(org):
    from django.db import DatabaseError, connection, transaction

    from longcheng.audit.models import AuditRecord
    from longcheng.ops.repair import repair_bad_numbers

    project = KeyProject.objects.create(
        name="晶科项目",
        total_investment=Decimal("100"),
        lead_unit=org.brigade1,
        planned_start=datetime.date(2023, 3, 1),
        planned_end=datetime.date(2025, 12, 31),
    )
    bad_row = "UPDATE projects_keyproject SET total_investment = 1e999 WHERE id = %s"
    if connection.vendor == "postgresql":
        # NUMERIC(14, 2) cannot hold an infinite value: such a row never exists to repair.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(bad_row, [project.pk])
        assert repair_bad_numbers() == []
        assert KeyProject.objects.get().total_investment == Decimal("100")
        return
    with connection.cursor() as cursor:  # as a row saved before the bounds existed
        cursor.execute(bad_row, [project.pk])
    with pytest.raises(Exception):  # what every page reading the row met
        list(KeyProject.objects.values_list("total_investment", flat=True))
    [repaired] = repair_bad_numbers()
    assert repaired["field"] == "total_investment" and repaired["new"] == "0"
    assert KeyProject.objects.get().total_investment == 0
    assert AuditRecord.objects.filter(detail__reason="repair_bad_number").exists()
