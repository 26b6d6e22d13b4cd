from celery import shared_task

from .timers import loop_sweep


@shared_task(acks_late=True)
def loop_sweep_task() -> dict:
    result = loop_sweep()
    return {
        "reminders": result.reminders,
        "sign_reminders": result.sign_reminders,
        "overdue": result.overdue,
        "escalations": result.escalations,
        "default_ratings": result.default_ratings,
    }
