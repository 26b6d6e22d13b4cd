from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking: every save through `core.versioning.save_versioned` bumps `version`
    and refuses to overwrite a row somebody else changed since it was read."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class Correction(models.Model):
    """A recorded figure changed, never silently overwritten: who, when, why, and the values
    before and after. Each app's correction adds the record it corrects."""

    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(_("更正时间"))
    reason = models.CharField(_("更正原因"), max_length=300)
    before = models.JSONField(_("更正前"))
    after = models.JSONField(_("更正后"))

    class Meta:
        abstract = True
        ordering = ["corrected_at", "pk"]


class Division(models.Model):
    """行政区划 — an administrative division with its GB/T 2260 code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        COUNTY = "county", _("县")
        COUNTY_CITY = "county_city", _("县级市")
        STREET = "street", _("街道")
        TOWNSHIP = "township", _("乡镇")
        GRID = "grid", _("网格")

    # GB/T 2260 codes have six digits; streets and townships carry the nine of the statistics
    # bureau's 统计用区划代码, and a grid the code its city gives it.
    code = models.CharField(_("区划代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The boundary as a GeoJSON Polygon or MultiPolygon in WGS-84 (the one system stored;
    # longcheng.core.geo converts at the edges), with its bounding box and a point inside it
    # for the label.
    boundary = models.JSONField(_("边界"), null=True, blank=True)
    boundary_source = models.CharField(_("边界来源"), max_length=200, blank=True)
    boundary_approximate = models.BooleanField(_("边界为示意"), default=False)
    min_lng = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lng = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    label_lng = models.FloatField(null=True, blank=True, editable=False)
    label_lat = models.FloatField(null=True, blank=True, editable=False)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def set_boundary(self, geometry: dict, *, source: str, approximate: bool) -> None:
        """Take a checked GeoJSON geometry in WGS-84 (see core.geo), with its box and label
        point; the caller saves."""
        from .geo import outline_of

        outline = outline_of(geometry)
        self.boundary = geometry
        self.boundary_source = source
        self.boundary_approximate = approximate
        self.min_lng, self.min_lat = outline.min_lng, outline.min_lat
        self.max_lng, self.max_lat = outline.max_lng, outline.max_lat
        self.label_lng, self.label_lat = outline.label_lng, outline.label_lat


class Unit(MP_Node):
    """单位 / 部门 — a node in the organisation tree. The materialised path (`path`) makes
    "this unit and every unit below it" a single indexed prefix query."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("人民政府")
        DEPARTMENT = "department", _("职能部门")
        ENFORCEMENT = "enforcement", _("执法队伍")
        COMMITTEE = "committee", _("委员会")
        SERVICE_CENTER = "service_center", _("服务中心")
        DISPATCH_CENTER = "dispatch_center", _("派单中心")
        POLICE = "police", _("公安机关")
        ORGANISATION = "organisation", _("群团组织")
        ENTERPRISE = "enterprise", _("国有企业")
        SUBUNIT = "subunit", _("内设机构")
        # 街道办事处 and 乡镇人民政府: the offices of a district's streets and townships.
        STREET_OFFICE = "street_office", _("街道（乡镇）")

    code = models.SlugField(_("单位编码"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="units"
    )
    phone = models.CharField(_("值班电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    # Siblings in the order the city lists them (the tree path is built from this).
    node_order_by = ["sort_order", "code"]

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.short_name or self.name


class CalendarOverride(models.Model):
    """A local decision that a date is (or is not) a working day, overriding the national
    calendar — e.g. a city-wide day off for a snowstorm."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    reason = models.CharField(_("依据"), max_length=200)
    # A day of an official schedule entered for a year (replaced when the year is entered
    # again), as opposed to a standing local decision.
    from_schedule = models.BooleanField(_("来自正式安排"), default=False)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


class LocalCalendarYear(models.Model):
    """A year whose official schedule an administrator has entered (its 放假 and 调休 days as
    overrides), because the national calendar package does not carry it yet."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    basis = models.CharField(_("依据文件"), max_length=200)

    class Meta:
        ordering = ["year"]
        verbose_name = _("正式安排录入年度")
        verbose_name_plural = _("正式安排录入年度")

    def __str__(self) -> str:
        return str(self.year)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _forget_entered_years()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget_entered_years()
        return result


def _forget_entered_years() -> None:
    from .calendar import forget_entered_years

    forget_entered_years()


class CalendarYearSource(models.Model):
    """The calendar source the open deadlines of a year were last counted with. When the
    source changes (the package brings the official schedule of a provisional year), the
    deadlines are recomputed and this row moves on."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(_("节假日来源"), max_length=16)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("年度节假日来源")
        verbose_name_plural = _("年度节假日来源")

    def __str__(self) -> str:
        return f"{self.year} {self.source}"
