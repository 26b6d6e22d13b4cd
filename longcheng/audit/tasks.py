from celery import shared_task

from .services import audit_verify_scheduled


@shared_task(acks_late=True)
def audit_verify_task() -> str:
    """Daily: the whole chain from its anchor; a break becomes an alert (idempotent)."""
    alert = audit_verify_scheduled()
    return "intact" if alert is None else f"broken at id={alert.record_id}"
