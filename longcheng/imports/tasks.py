"""The import's two steps as Celery tasks (run by core.jobs: workers in production, a thread
in the demo, at once in tests)."""

from celery import shared_task


@shared_task(acks_late=True)
def import_check_task(batch_id: int) -> None:
    from .pipeline import import_check_job

    import_check_job(batch_id)


@shared_task(acks_late=True)
def import_commit_task(batch_id: int) -> None:
    from .pipeline import import_commit_job

    import_commit_job(batch_id)
