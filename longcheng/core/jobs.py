"""Work that must not hold a request: imports, model training.

`run_in_background(task, *args)` hands a Celery task to the workers in production
(LONGCHENG_TIMERS=celery), to a thread of the serving process in the embedded demo
(`inprocess`), and runs it at once elsewhere (tests, management commands), so every caller
sees the same outcome. The task receives ids, never objects, and reads its records afresh.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction

log = logging.getLogger(__name__)


def _in_thread(task, args) -> None:
    close_old_connections()
    try:
        task(*args)
    except Exception:  # the task records its own failure; the thread must not die silently
        log.exception("background task %s failed", getattr(task, "name", task))
    finally:
        connection.close()


def run_in_background(task, *args) -> None:
    mode = settings.LONGCHENG_TIMERS
    if mode == "celery":
        transaction.on_commit(lambda: task.delay(*args))
    elif mode == "inprocess":
        transaction.on_commit(
            lambda: threading.Thread(target=_in_thread, args=(task, args), daemon=True).start()
        )
    else:
        task(*args)
