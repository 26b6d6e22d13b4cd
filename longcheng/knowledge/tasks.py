from celery import shared_task

from .services import knowledge_expiry_sweep


@shared_task(acks_late=True)
def knowledge_expiry_task() -> int:
    """Daily; idempotent per article and expiry date (see `services.knowledge_expiry_sweep`)."""
    return knowledge_expiry_sweep()
