"""The only code that writes parties. Every write is audited in the same transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record, audit_refusal
from longcheng.audit.snapshots import changed_fields, model_snapshot
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.validators import birth_date_from_id
from longcheng.core.versioning import save_versioned

from .models import Enterprise, Person


def _derive_person_fields(person: Person) -> None:
    person.birth_date = birth_date_from_id(person.id_number)
    # GB 11643: the 17th digit is odd for men, even for women.
    person.gender = Person.Gender.MALE if int(person.id_number[16]) % 2 else Person.Gender.FEMALE


@service
def party_create(*, instance, actor):
    """Register a new party owned by the actor's unit."""
    if actor.unit_id is None:
        raise PermissionRefused(_("您的账号未归属任何单位，不能登记主体。"))
    instance.owner_unit_id = actor.unit_id
    instance.created_by = actor
    if isinstance(instance, Person):
        _derive_person_fields(instance)
    with transaction.atomic():
        instance.save()
        audit_record(
            actor=actor, action=Action.CREATE, target=instance, after=model_snapshot(instance)
        )
        if isinstance(instance, Enterprise) and instance.credit_code_override_reason:
            audit_record(
                actor=actor,
                action=Action.OVERRIDE,
                target=instance,
                detail={
                    "check": "credit_code_checksum",
                    "reason": instance.credit_code_override_reason,
                },
            )
    return instance


@service
def party_update(*, instance, before: dict, expected_version: int, fields: list[str], actor):
    """Save an edit unless somebody else saved the record since it was opened."""
    if isinstance(instance, Person):
        _derive_person_fields(instance)
        fields = [*fields, "birth_date", "gender"]
    after = model_snapshot(instance)
    with transaction.atomic():
        save_versioned(instance, expected_version=expected_version, fields=fields)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=instance,
            before=before,
            after=after,
            detail={"fields": changed_fields(before, after)},
        )
        if (
            isinstance(instance, Enterprise)
            and instance.credit_code_override_reason
            and before.get("credit_code_override_reason") != instance.credit_code_override_reason
        ):
            audit_record(
                actor=actor,
                action=Action.OVERRIDE,
                target=instance,
                detail={
                    "check": "credit_code_checksum",
                    "reason": instance.credit_code_override_reason,
                },
            )
    return instance


@service
def person_reveal(*, person: Person, actor) -> dict:
    """Return the unmasked personal data of `person`, leaving an audit record."""
    if not actor.has_perm("parties.reveal_personal_data"):
        audit_refusal(actor=actor, what="reveal", target=person)
        raise PermissionRefused(_("您没有查看完整个人信息的权限。"))
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        target=person,
        detail={"fields": ["id_number", "phone"]},
    )
    return {"id_number": person.id_number, "phone": person.phone}
