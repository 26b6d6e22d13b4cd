"""What can be imported, each kind by its columns, the checks of a row and how good rows are
written. Rows are checked in chunks (one query per chunk for what must be unique), so that a
file of a million historical matters is checked and written in a few minutes."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from longcheng.accounts import services as account_services
from longcheng.accounts.roles import BUSINESS_ROLES, Role
from longcheng.accounts.scoping import Scope, user_scope, visible_units
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core import geo
from longcheng.core.models import Division, Unit
from longcheng.core.validators import validate_mobile
from longcheng.loop import history, rollups
from longcheng.loop.history import HistoricalMatter
from longcheng.loop.models import Category, Matter
from longcheng.loop.workflow import Channel, Kind, Rating, Status
from longcheng.parties.forms import EnterpriseForm, PersonForm
from longcheng.parties.models import Enterprise, Person
from longcheng.parties.services import party_create
from longcheng.projects.models import Indicator, IndicatorValue
from longcheng.web.access import is_business_staff

from .geofiles import read_boundaries
from .reading import open_rows, parse_datetime

CHUNK = 2000


@dataclass
class Column:
    name: str
    required: bool = True
    help: str = ""
    example: str = ""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


def choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """A cell may hold the code or the label (Chinese, or the user's language)."""
    lookup = {value: value for value in choices.values}
    with translation.override("zh-hans"):
        lookup.update({str(label): value for value, label in choices.choices})
    lookup.update({str(label): value for value, label in choices.choices})
    return lookup


def _messages(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


class Importer:
    kind = ""
    label = gettext_lazy("")
    description = gettext_lazy("")
    columns: list[Column] = []
    # What the error list calls a row's number (a boundary file numbers its features).
    row_label = gettext_lazy("行号")
    # A table (xlsx/csv) to fill: the template download. Other kinds give a sample instead.
    tabular = True

    def __init__(self, options: dict | None = None):
        # What the upload form said besides the file (kept on the batch for the commit).
        self.options = options or {}

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def read(self, fileobj, name: str):
        """The header and the numbered rows of the uploaded file."""
        return open_rows(fileobj, name)

    def sample(self) -> tuple[str, bytes] | None:
        """A sample file (name, content) for a kind that is not a table to fill."""
        return None

    def start(self, user) -> None:
        """Load the lookups the rows refer to (once per run)."""

    def check_chunk(self, user, rows: list[tuple[int, dict]]) -> list[tuple[int, object, list]]:
        """For each (row number, cells by column name): (row number, prepared item, errors)."""
        raise NotImplementedError

    def write(self, user, items: list, batch) -> int:
        """Write good rows (inside the import's transaction); the number of records made."""
        raise NotImplementedError

    def finish(self, user, batch) -> None:
        """After the last chunk, still inside the transaction."""

    # Helpers for the checks.
    def required(self, row: int, cells: dict, errors: list) -> None:
        if not hasattr(self, "_required"):
            self._required = [c.name for c in self.columns if c.required]
        for name in self._required:
            if cells.get(name, "") in ("", None):
                errors.append(RowError(row, name, _("必填，不能为空。")))


# — 组织机构 —


class UnitImporter(Importer):
    kind = "units"
    label = gettext_lazy("组织机构")
    description = gettext_lazy("新增单位；上级单位可以是已有单位，也可以是本文件中靠前的行。")
    columns = [
        Column("单位编码", help="小写字母、数字、-，全市唯一", example="xd-zwfw"),
        Column("单位名称", example="小店区政务服务中心"),
        Column("类型", help="人民政府、职能部门、执法队伍……", example="服务中心"),
        Column("上级单位编码", required=False, help="空表示顶级单位", example="xd"),
        Column("所在区划代码", help="6 位行政区划代码", example="140105"),
        Column("值班电话", required=False, example="0351-7021234"),
    ]

    def allowed(self, user) -> bool:
        return user.is_authenticated and user.role == Role.SYSADMIN

    def start(self, user) -> None:
        self.units = set(Unit.objects.values_list("code", flat=True))
        self.divisions = dict(Division.objects.values_list("code", "pk"))
        self.kinds = choice_lookup(Unit.Kind)
        self.seen: set[str] = set()

    def check_chunk(self, user, rows):
        out = []
        for row, cells in rows:
            errors: list[RowError] = []
            self.required(row, cells, errors)
            code = cells.get("单位编码", "")
            try:
                forms.SlugField().clean(code)
            except ValidationError:
                errors.append(RowError(row, "单位编码", _("只能包含小写字母、数字、- 和 _。")))
            if code in self.units:
                errors.append(RowError(row, "单位编码", _("编码 %(c)s 已存在。") % {"c": code}))
            elif code in self.seen:
                errors.append(
                    RowError(row, "单位编码", _("编码 %(c)s 在本文件中重复。") % {"c": code})
                )
            parent = cells.get("上级单位编码", "")
            if parent and parent not in self.units and parent not in self.seen:
                errors.append(
                    RowError(row, "上级单位编码", _("找不到单位 %(c)s。") % {"c": parent})
                )
            kind = self.kinds.get(cells.get("类型", ""))
            if cells.get("类型") and kind is None:
                errors.append(RowError(row, "类型", _("无法识别的单位类型。")))
            division = cells.get("所在区划代码", "")
            if division and division not in self.divisions:
                errors.append(
                    RowError(row, "所在区划代码", _("找不到区划代码 %(c)s。") % {"c": division})
                )
            if not errors:
                self.seen.add(code)
            item = {
                "code": code,
                "name": cells.get("单位名称", "")[:100],
                "kind": kind,
                "parent": parent,
                "division_id": self.divisions.get(division),
                "phone": cells.get("值班电话", "")[:20],
            }
            out.append((row, item, errors))
        return out

    def write(self, user, items, batch) -> int:
        for item in items:
            parent = item.pop("parent")
            if parent:
                unit = Unit.objects.add_child(Unit.objects.get(code=parent), item)
            else:
                unit = Unit.objects.add_root(item)
            audit_record(actor=user, action=Action.CREATE, target=unit, detail={"import": batch.pk})
        return len(items)


# — 工作人员 —


class StaffImporter(Importer):
    kind = "staff"
    label = gettext_lazy("工作人员账号")
    description = gettext_lazy("新建账号，不含密码：导入后由系统管理员逐一设置初始密码。")
    columns = [
        Column("用户名", help="3-30 位小写字母、数字或 _ . -", example="xd_clerk2"),
        Column("姓名", example="王晓东"),
        Column("角色", help="经办人、单位领导、派单中心……", example="经办人"),
        Column("单位编码", required=False, help="业务角色必填", example="xd"),
        Column("职务", required=False, example="科员"),
        Column("手机号码", required=False, example="13912345678"),
    ]

    def allowed(self, user) -> bool:
        return user.is_authenticated and user.role == Role.SYSADMIN

    def start(self, user) -> None:
        self.units = {u.code: u for u in Unit.objects.all()}
        self.roles = choice_lookup(Role)
        self.seen: set[str] = set()

    def check_chunk(self, user, rows):
        names = [cells.get("用户名", "") for _row, cells in rows]
        taken = set(
            get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
        )
        username_field = forms.RegexField(regex=r"^[a-z0-9_.-]{3,30}$")
        out = []
        for row, cells in rows:
            errors: list[RowError] = []
            self.required(row, cells, errors)
            username = cells.get("用户名", "")
            try:
                username_field.clean(username)
            except ValidationError:
                errors.append(RowError(row, "用户名", _("用户名为3-30位小写字母、数字或 _ . -")))
            if username in taken:
                errors.append(
                    RowError(row, "用户名", _("用户名 %(u)s 已被使用。") % {"u": username})
                )
            elif username in self.seen:
                errors.append(
                    RowError(row, "用户名", _("用户名 %(u)s 在本文件中重复。") % {"u": username})
                )
            role = self.roles.get(cells.get("角色", ""))
            if cells.get("角色") and role is None:
                errors.append(RowError(row, "角色", _("无法识别的角色。")))
            unit = self.units.get(cells.get("单位编码", ""))
            if cells.get("单位编码") and unit is None:
                errors.append(
                    RowError(row, "单位编码", _("找不到单位 %(c)s。") % {"c": cells["单位编码"]})
                )
            if role in BUSINESS_ROLES and unit is None and cells.get("单位编码", "") == "":
                errors.append(RowError(row, "单位编码", _("业务角色必须归属一个单位。")))
            phone = cells.get("手机号码", "")
            if phone:
                try:
                    phone = validate_mobile(phone)
                except ValidationError as error:
                    errors.append(RowError(row, "手机号码", _messages(error)))
            if not errors:
                self.seen.add(username)
            item = {
                "username": username,
                "full_name": cells.get("姓名", "")[:50],
                "role": role,
                "unit": unit,
                "position": cells.get("职务", "")[:50],
                "phone": phone,
            }
            out.append((row, item, errors))
        return out

    def write(self, user, items, batch) -> int:
        for item in items:
            account_services.user_create(actor=user, password=None, **item)
        return len(items)


# — 当事人：企业、自然人 (the registering unit is the importer's) —


class PartyImporter(Importer):
    form_class: type[forms.ModelForm]
    model: type
    fields: dict[str, str]  # column name -> form field
    unique_column = ""
    unique_field = ""

    def allowed(self, user) -> bool:
        return is_business_staff(user)

    def start(self, user) -> None:
        self.divisions = dict(Division.objects.values_list("code", "pk"))
        self.seen: set[str] = set()

    def check_chunk(self, user, rows):
        keys = [cells.get(self.unique_column, "").upper() for _row, cells in rows]
        existing = set(
            self.model.objects.filter(
                owner_unit=user.unit, **{f"{self.unique_field}__in": keys}
            ).values_list(self.unique_field, flat=True)
        )
        out = []
        for row, cells in rows:
            errors: list[RowError] = []
            self.required(row, cells, errors)
            data = {field: cells.get(column, "") for column, field in self.fields.items()}
            division = cells.get("所在区划代码", "")
            data["division"] = self.divisions.get(division, "")
            if division and division not in self.divisions:
                errors.append(
                    RowError(row, "所在区划代码", _("找不到区划代码 %(c)s。") % {"c": division})
                )
            form = self.form_class(data=data)
            columns = {field: column for column, field in self.fields.items()}
            if not form.is_valid():
                for field, messages in form.errors.items():
                    column = columns.get(field, "")
                    if column and any(e.column == column for e in errors):
                        continue  # already said "必填"
                    errors.append(RowError(row, column, "；".join(messages)))
            key = str(form.cleaned_data.get(self.unique_field, "") or "")
            if key and key in existing:
                errors.append(RowError(row, self.unique_column, _("本单位已登记过该号码。")))
            elif key and key in self.seen:
                errors.append(RowError(row, self.unique_column, _("该号码在本文件中重复。")))
            if not errors and key:
                self.seen.add(key)
            out.append((row, form, errors))
        return out

    def write(self, user, items, batch) -> int:
        for form in items:
            party_create(instance=form.save(commit=False), actor=user)
        return len(items)


class EnterpriseImporter(PartyImporter):
    kind = "enterprises"
    label = gettext_lazy("企业")
    description = gettext_lazy("登记到您的单位名下；统一社会信用代码按国家标准校验。")
    form_class = EnterpriseForm
    model = Enterprise
    unique_column = "统一社会信用代码"
    unique_field = "credit_code"
    fields = {
        "企业名称": "name",
        "统一社会信用代码": "credit_code",
        "法定代表人": "legal_representative",
        "行业": "industry",
        "地址": "address",
        "联系电话": "contact_phone",
    }
    columns = [
        Column("企业名称", example="山西易通天下产业孵化基地有限公司"),
        Column("统一社会信用代码", help="18 位，校验位须正确", example="91140105MA0K2XQ3XA"),
        Column("法定代表人", required=False, example="张明"),
        Column("行业", required=False, example="科技推广和应用服务业"),
        Column("所在区划代码", required=False, example="140105"),
        Column("地址", required=False, example="小店区长治路 111 号"),
        Column("联系电话", required=False, example="0351-7028888"),
    ]


class PersonImporter(PartyImporter):
    kind = "persons"
    label = gettext_lazy("自然人")
    description = gettext_lazy("登记到您的单位名下；身份证号码按国家标准校验，导入后加密显示。")
    form_class = PersonForm
    model = Person
    unique_column = "居民身份证号码"
    unique_field = "id_number"
    fields = {
        "姓名": "name",
        "居民身份证号码": "id_number",
        "手机号码": "phone",
        "标签": "tags",
        "地址": "address",
    }
    columns = [
        Column("姓名", example="贺文静"),
        Column("居民身份证号码", help="18 位，校验位须正确", example="140105198506210046"),
        Column("手机号码", required=False, example="13912340001"),
        Column("标签", required=False, example="特邀监督员"),
        Column("所在区划代码", required=False, example="140105"),
        Column("地址", required=False, example="小店区"),
    ]


# — 历史事项 —


class MatterImporter(Importer):
    """Finished matters from the system a city used before (archived on import). Their events
    carry no unit, so history does not change the units' current metrics; the cockpit's
    counts by status, channel, category and division include them."""

    kind = "matters"
    label = gettext_lazy("历史事项")
    description = gettext_lazy("已办结的历史事项，导入后为“已归档”，计入驾驶舱的受理统计。")
    columns = [
        Column("事项编号", help="原系统编号，全市唯一，最长 20 位", example="TY2022080100017"),
        Column("标题", example="小区门口道路积水"),
        Column("诉求内容", example="雨后积水严重，影响出行。"),
        Column("来源渠道", help="12345热线、网上/扫码……", example="12345热线"),
        Column(
            "诉求类型",
            required=False,
            help="咨询、求助、投诉、举报、建议；空为投诉",
            example="投诉",
        ),
        Column("所在区划代码", required=False, example="140105"),
        Column("派单目录编码", required=False, example="road"),
        Column("主办单位编码", example="cg1"),
        Column("受理时间", help="2022-08-01 09:30", example="2022-08-01 09:30"),
        Column("办结时间", example="2022-08-05 16:00"),
        Column("答复内容", required=False, example="已疏通排水口。"),
        Column("评价", required=False, help="满意、基本满意、不满意", example="满意"),
        Column("地址", required=False, example="小店区坞城路"),
    ]

    def allowed(self, user) -> bool:
        return is_business_staff(user) and user_scope(user) == Scope.ALL

    def start(self, user) -> None:
        self.units = dict(Unit.objects.values_list("code", "pk"))
        self.divisions = dict(Division.objects.values_list("code", "pk"))
        self.categories = dict(Category.objects.values_list("code", "pk"))
        self.channels = choice_lookup(Channel)
        self.kinds = choice_lookup(Kind)
        self.ratings = choice_lookup(Rating)
        self.seen: set[str] = set()
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.counts: Counter = Counter()

    def _moment(self, row, cells, column, errors) -> datetime.datetime | None:
        value = cells.get(column, "")
        if value == "":
            return None
        moment = parse_datetime(value)
        if moment is None:
            errors.append(RowError(row, column, _("无法识别的日期时间，应为 2023-08-15 09:30。")))
            return None
        moment = moment.replace(tzinfo=self.tz)
        if moment > self.now:
            errors.append(RowError(row, column, _("时间晚于现在。")))
        return moment

    @staticmethod
    def _lookup(row, cells, errors, column, table, message, default=None):
        value = cells.get(column, "")
        if value == "":
            return default
        found = table.get(value)
        if found is None:
            errors.append(RowError(row, column, str(message) % {"v": value}))
        return found

    @staticmethod
    def _taken(numbers: list[str]) -> set[str]:
        if connection.vendor == "postgresql":
            # One array parameter instead of 2,000 placeholders for the driver to parse.
            with connection.cursor() as cursor:
                cursor.execute("SELECT number FROM loop_matter WHERE number = ANY(%s)", [numbers])
                return {row[0] for row in cursor.fetchall()}
        return set(Matter.objects.filter(number__in=numbers).values_list("number", flat=True))

    def check_chunk(self, user, rows):
        taken = self._taken([cells.get("事项编号", "") for _row, cells in rows])
        out = []
        for row, cells in rows:
            errors: list[RowError] = []
            self.required(row, cells, errors)
            number = cells.get("事项编号", "")
            if len(number) > 20:
                errors.append(RowError(row, "事项编号", _("最长 20 位。")))
            if number in taken:
                errors.append(RowError(row, "事项编号", _("编号 %(n)s 已存在。") % {"n": number}))
            elif number and number in self.seen:
                errors.append(
                    RowError(row, "事项编号", _("编号 %(n)s 在本文件中重复。") % {"n": number})
                )
            look = self._lookup
            channel = look(row, cells, errors, "来源渠道", self.channels, UNKNOWN_CHANNEL)
            kind = look(row, cells, errors, "诉求类型", self.kinds, UNKNOWN_KIND, Kind.COMPLAINT)
            division = look(row, cells, errors, "所在区划代码", self.divisions, NO_DIVISION)
            category = look(row, cells, errors, "派单目录编码", self.categories, NO_CATEGORY)
            unit = look(row, cells, errors, "主办单位编码", self.units, NO_UNIT)
            rating = look(row, cells, errors, "评价", self.ratings, UNKNOWN_RATING, "")
            received = self._moment(row, cells, "受理时间", errors)
            answered = self._moment(row, cells, "办结时间", errors)
            if received and answered and answered < received:
                errors.append(RowError(row, "办结时间", _("办结时间早于受理时间。")))
            if not errors:
                self.seen.add(number)
            # A plain tuple, not a model instance: a million of them are built per run.
            item = HistoricalMatter(
                number,
                cells.get("标题", "")[:200],
                cells.get("诉求内容", ""),
                channel or "",
                kind or Kind.COMPLAINT,
                category,
                division,
                unit,
                cells.get("地址", "")[:200],
                received,
                answered,
                cells.get("答复内容", ""),
                rating or "",
            )
            out.append((row, item, errors))
        return out

    def write(self, user, items, batch) -> int:
        note = _("历史事项导入（批次 %(b)s）") % {"b": batch.pk}
        history.write_archived(items, actor=user, note=note, source={"imported": batch.pk})
        # Counted per distinct combination here, spread over the tally's dimensions at the end.
        self.counts.update(
            (
                item.received_at.date().replace(day=1),  # already local time
                item.division_id,
                item.lead_unit_id,
                item.channel,
                item.category_id,
                item.kind,
            )
            for item in items
        )
        return len(items)

    def finish(self, user, batch) -> None:
        tally: Counter = Counter()
        for (month, division, unit, channel, category, kind), n in self.counts.items():
            moment = datetime.datetime.combine(month, datetime.time(12), tzinfo=self.tz)
            for key in rollups.tally_keys(
                received_at=moment,
                division_id=division,
                lead_unit_id=unit,
                status=Status.ARCHIVED,
                channel=channel,
                category_id=category,
                kind=kind,
            ):
                tally[key] += n
        rollups.add_matter_counts(tally)


UNKNOWN_CHANNEL = gettext_lazy("无法识别的来源渠道“%(v)s”。")
UNKNOWN_KIND = gettext_lazy("无法识别的诉求类型“%(v)s”。")
NO_DIVISION = gettext_lazy("找不到区划代码 %(v)s。")
NO_CATEGORY = gettext_lazy("找不到派单目录 %(v)s。")
NO_UNIT = gettext_lazy("找不到单位 %(v)s。")
UNKNOWN_RATING = gettext_lazy("无法识别的评价“%(v)s”。")


# — 月度数据 —


class FigureImporter(Importer):
    kind = "figures"
    label = gettext_lazy("指标月度数据")
    description = gettext_lazy("按指标名称和责任单位填报各月目标与实际；已有的月份会被更新。")
    columns = [
        Column("指标名称", example="规模以上工业增加值"),
        Column("责任单位编码", example="fgw"),
        Column("年", example="2023"),
        Column("月", example="7"),
        Column("目标", required=False, example="120.5"),
        Column("实际", required=False, example="118.2"),
    ]

    def allowed(self, user) -> bool:
        return is_business_staff(user)

    def start(self, user) -> None:
        units = visible_units(user)
        self.indicators = {
            (i.name, i.owner_unit.code): i
            for i in Indicator.objects.filter(owner_unit__in=units).select_related("owner_unit")
        }
        self.seen: set[tuple] = set()

    def check_chunk(self, user, rows):
        out = []
        for row, cells in rows:
            errors: list[RowError] = []
            self.required(row, cells, errors)
            indicator = self.indicators.get(
                (cells.get("指标名称", ""), cells.get("责任单位编码", ""))
            )
            if indicator is None and cells.get("指标名称"):
                errors.append(RowError(row, "指标名称", _("在您可填报的单位中找不到该指标。")))
            year = month = None
            try:
                year = int(cells.get("年", ""))
                if not 2000 <= year <= 2100:
                    raise ValueError
            except ValueError:
                errors.append(RowError(row, "年", _("应为 2000–2100 之间的年份。")))
            try:
                month = int(cells.get("月", ""))
                if not 1 <= month <= 12:
                    raise ValueError
            except ValueError:
                errors.append(RowError(row, "月", _("应为 1–12。")))
            values: dict[str, Decimal | None] = {}
            for column, field in (("目标", "target"), ("实际", "actual")):
                text = str(cells.get(column, "")).replace(",", "")
                if text == "":
                    values[field] = None
                    continue
                try:
                    values[field] = Decimal(text)
                except InvalidOperation:
                    errors.append(RowError(row, column, _("应为数字。")))
            key = (indicator.pk if indicator else None, year, month)
            if not errors and key in self.seen:
                errors.append(RowError(row, "月", _("同一指标同一月份在本文件中重复。")))
            if not errors:
                self.seen.add(key)
            out.append((row, (indicator, year, month, values), errors))
        return out

    def write(self, user, items, batch) -> int:
        for indicator, year, month, values in items:
            IndicatorValue.objects.update_or_create(
                indicator=indicator, year=year, month=month, defaults=values
            )
        return len(items)


# — 区划边界 (GeoJSON or a zipped shapefile): streets, townships, grids … —

_DISTRICTS = (Division.Level.DISTRICT, Division.Level.COUNTY, Division.Level.COUNTY_CITY)
_STREETS = (Division.Level.STREET, Division.Level.TOWNSHIP)
# The level a division's parent must have, by the division's level.
_PARENT_LEVELS = {
    **{level: (Division.Level.CITY, Division.Level.PROVINCE) for level in _DISTRICTS},
    **{level: _DISTRICTS for level in _STREETS},
    Division.Level.GRID: _STREETS,
}
SYSTEM_LABELS = {
    geo.WGS84: gettext_lazy("WGS-84（GPS、手机定位）"),
    geo.GCJ02: gettext_lazy("GCJ-02（高德、腾讯等国内地图）"),
    geo.CGCS2000: gettext_lazy("CGCS2000（天地图、国土测绘）"),
}


class BoundaryImporter(Importer):
    """Divisions with their boundaries. New divisions are created under their parent (an
    existing division or an earlier feature of the file); an existing division keeps its name
    and place in the tree and gets the file's boundary. Stored in WGS-84 (core.geo)."""

    kind = "boundaries"
    label = gettext_lazy("区划边界")
    description = gettext_lazy(
        "GeoJSON（FeatureCollection）或压缩成 zip 的 Shapefile，每个要素带 code、name、level、"
        "parent 属性和面状边界。新的街道、乡镇、网格随之建立；已有区划只替换边界。"
    )
    row_label = gettext_lazy("要素序号")
    tabular = False
    columns = [
        Column(
            "code",
            help="区划代码：区县 6 位，街道/乡镇 9 位（统计用区划代码），网格 10–16 位数字",
            example="140105002",
        ),
        Column("name", help="名称", example="坞城街道"),
        Column(
            "level", help="区、县、县级市、街道、乡镇、网格（或 street 等英文代码）", example="街道"
        ),
        Column(
            "parent",
            required=False,
            help="上级区划代码：已有区划，或本文件中靠前的要素；已有区划可不填",
            example="140105",
        ),
        Column("geometry", help="面状边界：Polygon 或 MultiPolygon", example="Polygon"),
    ]

    def allowed(self, user) -> bool:
        return user.is_authenticated and user.role == Role.SYSADMIN

    def read(self, fileobj, name: str):
        header, rows, declared = read_boundaries(fileobj, name)
        # The system chosen on the form; else the one the file declares; else WGS-84 (RFC 7946).
        self.system = self.options.get("system") or declared or geo.WGS84
        self.file_name = name
        return header, rows

    def sample(self) -> tuple[str, bytes]:
        import json

        def box(lng, lat, size=0.01):
            ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size]]
            return {"type": "Polygon", "coordinates": [[*ring, [lng, lat]]]}

        features = [
            ("140105002", "坞城街道", "街道", "140105", box(112.57, 37.79, 0.03)),
            ("140105002001", "坞城街道第一网格", "网格", "140105002", box(112.575, 37.795)),
        ]
        content = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": c, "name": n, "level": lv, "parent": p},
                    "geometry": g,
                }
                for c, n, lv, p, g in features
            ],
        }
        text = json.dumps(content, ensure_ascii=False, indent=1)
        return "boundaries-sample.geojson", text.encode("utf-8")

    def start(self, user) -> None:
        self.known = {
            code: (level, parent)
            for code, level, parent in Division.objects.values_list("code", "level", "parent__code")
        }
        self.levels = choice_lookup(Division.Level)
        self.seen: dict[str, str] = {}
        self.labels = dict(Division.Level.choices)

    def _level_of(self, code: str) -> str | None:
        if code in self.seen:
            return self.seen[code]
        known = self.known.get(code)
        return known[0] if known else None

    def _check(self, row: int, cells: dict, errors: list) -> tuple[str, str | None]:
        code, parent = cells.get("code", ""), cells.get("parent", "")
        text = cells.get("level", "")
        level = self.levels.get(text)
        if text and (level is None or level not in _PARENT_LEVELS):
            errors.append(
                RowError(
                    row,
                    "level",
                    _("无法识别的层级“%(v)s”，应为区、县、县级市、街道、乡镇或网格。")
                    % {"v": text},
                )
            )
            level = None
        well_formed = code.isascii() and code.isdigit() and 6 <= len(code) <= 16
        if code and not well_formed:
            errors.append(RowError(row, "code", _("区划代码应为 6–16 位数字。")))
        elif code and level:
            size = 6 if level in _DISTRICTS else 9 if level in _STREETS else None
            if (size and len(code) != size) or (size is None and len(code) < 10):
                expected = _("%(n)s 位") % {"n": size} if size else _("10–16 位")
                errors.append(
                    RowError(
                        row,
                        "code",
                        _("%(l)s的区划代码应为 %(e)s数字。")
                        % {"l": self.labels[level], "e": expected},
                    )
                )
        if code in self.seen:
            errors.append(RowError(row, "code", _("区划代码 %(c)s 在本文件中重复。") % {"c": code}))
        known = self.known.get(code)
        if known and level and known[0] != level:
            errors.append(
                RowError(
                    row,
                    "level",
                    _("已有区划 %(c)s 的层级为“%(k)s”，与文件中的“%(f)s”不符。")
                    % {"c": code, "k": self.labels[known[0]], "f": self.labels[level]},
                )
            )
        if known and parent and known[1] != parent:
            errors.append(
                RowError(
                    row,
                    "parent",
                    _("已有区划 %(c)s 的上级是 %(k)s，不能改到 %(p)s 之下。")
                    % {"c": code, "k": known[1] or "—", "p": parent},
                )
            )
        if not known and level and not parent:
            errors.append(RowError(row, "parent", _("新建区划须填写上级区划代码。")))
        parent_level = self._level_of(parent) if parent else None
        if parent and parent_level is None:
            errors.append(
                RowError(
                    row,
                    "parent",
                    _("找不到上级区划 %(c)s（须为已有区划或本文件中靠前的要素）。") % {"c": parent},
                )
            )
        elif parent_level and level and parent_level not in _PARENT_LEVELS[level]:
            errors.append(
                RowError(
                    row,
                    "parent",
                    _("上级区划 %(c)s 是%(p)s，%(l)s的上级应为%(a)s。")
                    % {
                        "c": parent,
                        "p": self.labels[parent_level],
                        "l": self.labels[level],
                        "a": "、".join(str(self.labels[x]) for x in _PARENT_LEVELS[level]),
                    },
                )
            )
        elif well_formed and parent_level and level in _STREETS and code[:6] != parent[:6]:
            errors.append(
                RowError(
                    row, "code", _("街道、乡镇的代码应以上级区县代码 %(p)s 开头。") % {"p": parent}
                )
            )
        return code, level

    def _geometry(self, row: int, geometry, errors: list) -> dict | None:
        if geometry in (None, ""):
            errors.append(RowError(row, "geometry", _("缺少边界。")))
            return None
        problem = geo.valid_geometry_error(geometry)
        if problem is None:
            try:
                geometry = geo.geometry_to_wgs84(geometry, self.system)
            except (TypeError, ValueError, IndexError, KeyError):
                problem = _("边界坐标格式不正确")
            else:
                problem = geo.valid_geometry_error(geometry)
        if problem:
            errors.append(RowError(row, "geometry", f"{problem}。"))
            return None
        return geometry

    def check_chunk(self, user, rows):
        out = []
        for row, cells in rows:
            errors: list[RowError] = []
            for name in ("code", "name", "level"):
                if cells.get(name, "") == "":
                    errors.append(RowError(row, name, _("必填，不能为空。")))
            name = cells.get("name", "")
            if len(name) > 50:
                errors.append(RowError(row, "name", _("名称最长 50 个字。")))
            code, level = self._check(row, cells, errors)
            geometry = self._geometry(row, cells.get("geometry"), errors)
            if not errors and level:
                self.seen[code] = level
            item = {
                "code": code,
                "name": name,
                "level": level,
                "parent": cells.get("parent", ""),
                "geometry": geometry,
            }
            out.append((row, item, errors))
        return out

    def write(self, user, items, batch) -> int:
        source = _("导入批次 %(b)s：%(f)s（%(s)s）") % {
            "b": batch.pk,
            "f": batch.file_name,
            "s": SYSTEM_LABELS.get(self.system, self.system),
        }
        for item in items:
            division = Division.objects.filter(code=item["code"]).first()
            action = Action.UPDATE
            if division is None:
                action = Action.CREATE
                division = Division(
                    code=item["code"],
                    name=item["name"],
                    level=item["level"],
                    parent_id=self._parent_id(item["parent"]),
                )
            division.set_boundary(item["geometry"], source=source[:200], approximate=False)
            division.save()
            audit_record(
                actor=user,
                action=action,
                target=division,
                detail={"import": batch.pk, "boundary": True, "system": self.system},
            )
        return len(items)

    def _parent_id(self, code: str) -> int | None:
        if not code:
            return None
        cache = self.__dict__.setdefault("_parent_ids", {})
        if code not in cache:
            cache[code] = Division.objects.filter(code=code).values_list("pk", flat=True).get()
        return cache[code]

    def finish(self, user, batch) -> None:
        # The point-in-polygon index of this process is rebuilt with the new boundaries.
        transaction.on_commit(geo.forget_boundaries)


# Classes, not instances: a run keeps its state (what the file has seen) on its own instance.
IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls
    for cls in (
        UnitImporter,
        StaffImporter,
        BoundaryImporter,
        EnterpriseImporter,
        PersonImporter,
        MatterImporter,
        FigureImporter,
    )
}


def importers_for(user) -> list[Importer]:
    return [i for i in (cls() for cls in IMPORTERS.values()) if i.allowed(user)]


def chunks(rows: Iterable, size: int = CHUNK):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
