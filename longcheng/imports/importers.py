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
from django.db import connection
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from longcheng.accounts import services as account_services
from longcheng.accounts.roles import BUSINESS_ROLES, Role
from longcheng.accounts.scoping import Scope, user_scope, visible_units
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
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

from .reading import parse_datetime

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

    def allowed(self, user) -> bool:
        raise NotImplementedError

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


# Classes, not instances: a run keeps its state (what the file has seen) on its own instance.
IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls
    for cls in (
        UnitImporter,
        StaffImporter,
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
