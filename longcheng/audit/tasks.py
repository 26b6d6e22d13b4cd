from celery import shared_task

from .anchors import anchor_head
from .verification import audit_verify_scheduled


@shared_task(acks_late=True)
def audit_verify_task() -> str:
    """Daily: the whole chain from its anchor and against the heads written outside the
    database; a break becomes an alert (idempotent); then today's head is written."""
    alert = audit_verify_scheduled()
    anchor_head()
    return "intact" if alert is None else f"broken at id={alert.record_id}"
