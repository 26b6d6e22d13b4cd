from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .context import client_ip
from .models import Action
from .services import audit_record


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=Action.LOGIN, target=user, ip=client_ip(request))


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=Action.LOGOUT, target=user, ip=client_ip(request))


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None,
        actor_repr=username or "anonymous",
        action=Action.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=username,
        ip=client_ip(request) if request is not None else None,
    )
