"""The routing module listens to the loop: a committed return may raise a dispatch dispute."""

import logging

from . import services

logger = logging.getLogger(__name__)


def on_matter_returned(sender, matter, event, unit, **kwargs) -> None:
    # The return is already committed: a failure here must not turn the clerk's successful
    # return into an error page. It is logged; the next return weighs the matter again.
    try:
        services.dispute_raise_if_due(matter=matter)
    except Exception:
        logger.exception("dispatch dispute for matter %s could not be raised", matter.pk)
