"""The one place that decides which business records a user may see.

Every list, detail page, export and API view filters its queryset through `scope_queryset`;
a record outside the scope therefore does not exist for that user (404, never 403, so that
record numbers of other units leak nothing)."""

from django.db.models import Q, QuerySet

from longcheng.core.models import Unit

from .roles import ROLE_SCOPE, Scope


def user_scope(user) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope.NONE
    scope = ROLE_SCOPE.get(user.role, Scope.NONE)
    if scope in (Scope.OWN_UNIT, Scope.UNIT_SUBTREE) and user.unit_id is None:
        return Scope.NONE
    return scope


def visible_units(user) -> QuerySet[Unit]:
    """Units whose records the user reads."""
    scope = user_scope(user)
    if scope == Scope.ALL:
        return Unit.objects.all()
    if scope == Scope.UNIT_SUBTREE:
        return Unit.objects.filter(path__startswith=user.unit.path)
    if scope == Scope.OWN_UNIT:
        return Unit.objects.filter(pk=user.unit_id)
    return Unit.objects.none()


def unit_filter(user, unit_field: str = "owner_unit") -> Q | None:
    """A Q object restricting `unit_field` to what the user sees; None means everything."""
    scope = user_scope(user)
    if scope == Scope.ALL:
        return None
    if scope == Scope.UNIT_SUBTREE:
        return Q(**{f"{unit_field}__path__startswith": user.unit.path})
    if scope == Scope.OWN_UNIT:
        return Q(**{f"{unit_field}_id": user.unit_id})
    return Q(pk__in=[])


def scope_queryset(queryset: QuerySet, user, unit_field: str = "owner_unit") -> QuerySet:
    condition = unit_filter(user, unit_field)
    if condition is None:
        return queryset
    if user_scope(user) == Scope.NONE:
        return queryset.none()
    return queryset.filter(condition)


def reads_business_records(user) -> bool:
    return user_scope(user) != Scope.NONE
