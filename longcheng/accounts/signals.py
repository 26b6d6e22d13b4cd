from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from longcheng.audit.context import client_ip
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record

from .middleware import start_session


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        start_session(request)


@receiver(user_locked_out)
def _on_lockout(sender, request, username=None, ip_address=None, **kwargs):
    name = str(username or "")[:150]
    audit_record(
        actor=None,
        actor_repr=name or "anonymous",
        action=Action.LOCKOUT,
        object_type="accounts.user",
        object_repr=name,
        ip=client_ip(request) if request is not None else ip_address,
    )
