from celery import shared_task

from .services import monthly_cycle


@shared_task(acks_late=True)
def projects_monthly_task() -> dict:
    """Daily; idempotent per unit/project and month (see `services.monthly_cycle`)."""
    return monthly_cycle()
