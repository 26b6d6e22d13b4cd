"""For tests and benchmarks only: a signed-in session as a verified sign-in leaves it.

`Client.force_login` skips the password; `sign_in_verified` skips the TOTP code as well (a
confirmed device named in the session), so the second-factor middleware lets the client
through. The sign-in itself, code and all, is tested through its pages in accounts/tests."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def mark_session_verified(client, user) -> None:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in_verified(client, user) -> None:
    client.force_login(user)
    mark_session_verified(client, user)
