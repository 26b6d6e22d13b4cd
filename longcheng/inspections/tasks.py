from celery import shared_task

from .services import draws_publication_sweep


@shared_task(acks_late=True)
def inspections_publication_task() -> int:
    """Daily; idempotent per campaign (see `services.draws_publication_sweep`)."""
    return draws_publication_sweep()
