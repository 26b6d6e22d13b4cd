"""A refused attempt rolls the service back, but its audit record stays (core.transactions)."""

import pytest

from longcheng.audit.models import Action, AuditRecord
from longcheng.audit.services import audit_record, audit_refusal
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service


@service
def _reveal_refused(actor):
    audit_record(actor=actor, action=Action.UPDATE, object_type="x.y", object_repr="half-done")
    audit_refusal(actor=actor, what="reveal")
    raise PermissionRefused("不可以")


@service
def _outer(actor):
    _reveal_refused(actor)


@pytest.mark.django_db
@pytest.mark.parametrize("entry", [_reveal_refused, _outer], ids=["service", "nested"])
def test_the_refusal_is_recorded_and_nothing_else_of_the_refused_service(users, entry):
    with pytest.raises(PermissionRefused):
        entry(users.clerk1)
    refused = AuditRecord.objects.filter(action=Action.REFUSED, actor=users.clerk1)
    assert [r.detail["refused"] for r in refused] == ["reveal"]
    assert not AuditRecord.objects.filter(object_repr="half-done").exists()
