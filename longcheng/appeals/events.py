"""Signals other modules listen to. `appeal_received` fires after the appeal is committed;
the projects module (包保) connects to it to tell the leader responsible for a key project
when an appeal concerns that project's enterprise."""

from django.dispatch import Signal

# sender=Appeal, appeal=<Appeal>, enterprise=<parties.Enterprise or None>
appeal_received = Signal()
