from celery import shared_task

from .services import enforcement_overdue_sweep


@shared_task(acks_late=True)
def enforcement_overdue_task() -> int:
    """Daily; idempotent per case and period (see `services.sweeps`)."""
    return enforcement_overdue_sweep()
