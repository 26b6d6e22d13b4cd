"""Signals other modules listen to, sent after the step is committed (as appeals.events).
The routing module raises a dispatch dispute (派单争议) when a matter comes back a second time.
"""

from django.dispatch import Signal

# sender=Matter, matter=<Matter>, event=<MatterEvent of kind RETURNED>, unit=<the returning Unit>
matter_returned = Signal()
