"""Scope rules: which registered parties a campaign covers, stored as data on the campaign.

    {"party_type": "institution", "kinds": ["general_hospital"], "min_grade": "2",
     "divisions": ["140105"]}
    {"party_type": "site", "site_kinds": ["construction"], "site_statuses": ["active"]}
    {"party_type": "enterprise", "industry": "房地产"}

An empty list means "any"; divisions match the division itself and nothing else."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from longcheng.core.errors import LongchengError
from longcheng.core.models import Division
from longcheng.parties.models import Enterprise, Institution, Site

from .models import PartyType

GRADE_ORDER = [Institution.Grade.UNGRADED, "1", "2", "3"]


class ScopeInvalid(LongchengError):
    pass


def parties_in_scope(scope: dict) -> QuerySet:
    party_type = scope.get("party_type")
    divisions = scope.get("divisions") or []
    queryset: QuerySet
    if party_type == PartyType.INSTITUTION:
        queryset = Institution.objects.all()
        if scope.get("kinds"):
            queryset = queryset.filter(kind__in=scope["kinds"])
        if scope.get("min_grade"):
            if scope["min_grade"] not in GRADE_ORDER:
                raise ScopeInvalid(_("机构等级“%(g)s”无效。") % {"g": scope["min_grade"]})
            grades = GRADE_ORDER[GRADE_ORDER.index(scope["min_grade"]) :]
            queryset = queryset.filter(grade__in=grades)
    elif party_type == PartyType.SITE:
        queryset = Site.objects.all()
        if scope.get("site_kinds"):
            queryset = queryset.filter(kind__in=scope["site_kinds"])
        if scope.get("site_statuses"):
            queryset = queryset.filter(status__in=scope["site_statuses"])
    elif party_type == PartyType.ENTERPRISE:
        queryset = Enterprise.objects.all()
        if scope.get("industry"):
            queryset = queryset.filter(industry__icontains=scope["industry"])
    else:
        raise ScopeInvalid(_("请选择检查对象类型（机构、场所或企业）。"))
    if divisions:
        queryset = queryset.filter(division__code__in=divisions)
    return queryset.select_related("division").order_by("pk")


def describe_scope(scope: dict) -> str:
    """The rule in one plain sentence, for the campaign page and the public record."""
    parts = []
    if scope.get("divisions"):
        division_names = Division.objects.filter(code__in=scope["divisions"]).values_list(
            "name", flat=True
        )
        parts.append("、".join(division_names))
    else:
        parts.append(_("全市"))
    party_type = scope.get("party_type")
    if party_type == PartyType.INSTITUTION:
        if scope.get("min_grade"):
            label = dict(Institution.Grade.choices).get(scope["min_grade"], scope["min_grade"])
            parts.append(_("%(g)s及以上") % {"g": label})
        kinds = dict(Institution.Kind.choices)
        names = [str(kinds.get(k, k)) for k in scope.get("kinds") or []]
        parts.append("、".join(names) if names else _("医疗卫生机构"))
    elif party_type == PartyType.SITE:
        kinds = dict(Site.Kind.choices)
        names = [str(kinds.get(k, k)) for k in scope.get("site_kinds") or []]
        statuses = dict(Site.Status.choices)
        status_names = [str(statuses.get(s, s)) for s in scope.get("site_statuses") or []]
        parts.append("、".join(status_names))
        parts.append("、".join(names) if names else _("场所"))
    elif party_type == PartyType.ENTERPRISE:
        parts.append(scope.get("industry") or "")
        parts.append(_("企业"))
    return "".join(str(p) for p in parts if p)
