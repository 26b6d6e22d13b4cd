from celery import shared_task

from .bulletin import generate_due


@shared_task(acks_late=True)
def monthly_bulletin_task() -> str:
    """Daily; generates last month's bulletin once (see `bulletin.generate_due`)."""
    bulletin = generate_due()
    return str(bulletin) if bulletin else "already generated"
