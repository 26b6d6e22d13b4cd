from celery import shared_task

from .purge import retention_purge


@shared_task(acks_late=True)
def retention_purge_task() -> dict:
    """Daily and idempotent: what passed its retention period yesterday is cleared today."""
    return retention_purge()
