"""The daily check of the audit chain (Celery beat). Verifying reads the whole chain, so it is no
transaction; a break found is recorded by `services.audit_alert_raise`."""

from .anchors import verify_against_anchors
from .chain import ChainBreak, verify_stored_chain
from .models import AuditAlert, AuditRecord
from .services import audit_alert_raise


def audit_verify_scheduled() -> AuditAlert | None:
    """None when the chain and its anchors agree; else the (one, open) alert of the break."""
    count, broken = verify_stored_chain()
    if broken is None:
        contradiction = verify_against_anchors()
        if contradiction is None:
            return None
        last = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
        broken = ChainBreak(last, contradiction[:100])
    return audit_alert_raise(record_id=broken.record_id, checked=count, reason=broken.reason)
