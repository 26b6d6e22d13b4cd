"""The embedded demo's timer: a daemon thread in the web process that runs the same sweep
Celery beat runs in production. Started only when LONGCHENG_TIMERS=inprocess."""

import logging
import os
import sys
import threading
import time

from django.conf import settings

logger = logging.getLogger("longcheng.timers")
_started = threading.Event()


def _run(interval: int) -> None:
    from django.db import close_old_connections

    from .timers import loop_sweep

    while True:
        try:
            close_old_connections()
            result = loop_sweep()
            if result.total():
                logger.info("loop timers: %s", result)
        except Exception:
            logger.exception("loop timers failed; retrying at the next interval")
        finally:
            close_old_connections()
        time.sleep(interval)


def start_if_configured() -> None:
    if settings.LONGCHENG_TIMERS != "inprocess" or _started.is_set():
        return
    # Only in the serving process (not in migrate, seed_demo, tests).
    if "runserver" not in sys.argv and not os.environ.get("SERVER_SOFTWARE"):
        return
    _started.set()
    threading.Thread(
        target=_run,
        args=(settings.LONGCHENG_TIMER_INTERVAL_SECONDS,),
        name="loop-timers",
        daemon=True,
    ).start()
