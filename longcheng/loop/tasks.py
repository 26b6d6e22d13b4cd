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


@shared_task(acks_late=True)
def reporter_message_task(matter_id: int, code: str, params: dict, at: str) -> int:
    """告知诉求人 (loop.citizen_updates): write and send one step's message; each attempt is
    recorded, a provider's failure too."""
    from .citizen_updates import deliver

    return len(deliver(matter_id, code, params, at))
