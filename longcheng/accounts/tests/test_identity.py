"""Identity (等保 2.0 身份鉴别): password profiles, lockout, session limits, the second factor
and the first-password activation — each through the pages a person uses."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from longcheng.accounts import services
from longcheng.accounts.models import User
from longcheng.accounts.passwords import validators_for
from longcheng.audit.chain import verify_stored_chain
from longcheng.audit.models import Action, AuditRecord

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift += steps_ahead
    return f"{totp.token():06d}"


def _sign_in(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


# --- password profiles ---------------------------------------------------------------------


def _refusals(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_the_dengbao_profile_wants_three_character_classes(users):
    assert "password_too_simple" in _refusals("alllowercase", users.clerk1)
    assert "password_too_simple" in _refusals("Lowerandupper", users.clerk1)
    assert _refusals("Lower-and-upper", users.clerk1) == []
    assert "password_too_short" in _refusals("Ab1-x", users.clerk1)


def test_none_of_the_last_five_passwords_again(users):
    user = users.clerk1
    history = [f"Spring-{n}-Garden" for n in range(6)]
    for password in history:
        user.set_password(password)
        user.save()
    # The last five are refused, the sixth back is allowed again.
    for password in history[1:]:
        assert "password_reused" in _refusals(password, user)
    assert _refusals(history[0], user) == []


def test_the_owasp_profile_is_longer_without_composition_rules(settings, users):
    settings.LONGCHENG_PASSWORD_PROFILE = "owasp"
    settings.AUTH_PASSWORD_VALIDATORS = validators_for("owasp")
    from django.contrib.auth import password_validation

    password_validation.get_default_password_validators.cache_clear()
    try:
        assert "password_too_short" in _refusals("Lower-and-1", users.clerk1)
        assert _refusals("just some lowercase words", users.clerk1) == []
    finally:
        password_validation.get_default_password_validators.cache_clear()


def test_an_expired_password_is_changed_before_work_goes_on(client, users, settings):
    user = users.clerk1
    user.set_password(PASSWORD)
    user.save()
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91)
    )
    client.force_login(User.objects.get(pk=user.pk))
    response = client.get("/loop/")
    assert response.status_code == 302 and response.url.startswith("/accounts/password/")
    page = client.get(response.url).content.decode()
    assert "密码已超过有效期" in page
    response = client.post(
        "/accounts/password/?next=/loop/",
        {
            "old_password": PASSWORD,
            "new_password1": "Autumn-Leaves-77",
            "new_password2": "Autumn-Leaves-77",
        },
    )
    assert response.status_code == 302 and response.url == "/loop/"
    assert client.get("/loop/").status_code == 200
    assert AuditRecord.objects.filter(action=Action.PASSWORD_CHANGE, actor_id=user.pk).exists()
    # The owasp profile has no periodic change.
    settings.LONGCHENG_PASSWORD_PROFILE = "owasp"
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=400)
    )
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get("/loop/").status_code == 200


# --- lockout -------------------------------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address_only(client, users):
    for _attempt in range(4):
        refused = _sign_in(client, "clerk1", "wrong", ip="10.0.0.9")
        assert "用户名或密码不正确" in refused.content.decode()
    assert _sign_in(client, "clerk1", "wrong", ip="10.0.0.9").status_code == 429
    locked = _sign_in(client, "clerk1", PASSWORD, ip="10.0.0.9")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    lockout = AuditRecord.objects.filter(action=Action.LOCKOUT).earliest("id")
    assert (lockout.actor_repr, lockout.ip) == ("clerk1", "10.0.0.9")
    # The colleague at another desk is not locked out by someone guessing elsewhere.
    assert _sign_in(Client(), "clerk1", PASSWORD, ip="10.0.0.10").status_code == 302
    # Thirty minutes later the first address may try again.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert _sign_in(Client(), "clerk1", PASSWORD, ip="10.0.0.9").status_code == 302


def test_behind_the_proxy_the_forwarded_address_is_the_one_locked(client, users, settings):
    settings.LONGCHENG_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for _attempt in range(5):
        client.post(
            "/accounts/login/",
            {"username": "clerk1", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP="203.0.113.7",
        )
    # Same proxy, another client: not locked; the guessing client: locked.
    other = Client().post(
        "/accounts/login/",
        {"username": "clerk1", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="203.0.113.8",
    )
    assert other.status_code == 302
    guesser = Client().post(
        "/accounts/login/",
        {"username": "clerk1", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="203.0.113.7",
    )
    assert guesser.status_code == 429


def test_the_security_administrator_sees_and_lifts_a_lockout(client, users, login):
    for _attempt in range(5):
        _sign_in(client, "clerk1", "wrong", ip="10.0.0.9")
    admin = login(users.secadmin)
    page = admin.get("/org/security/").content.decode()
    assert "已锁定" in page
    admin.post(f"/org/security/{users.clerk1.pk}/", {"action": "unlock"})
    assert AuditRecord.objects.filter(action=Action.UNLOCK, object_id=str(users.clerk1.pk))
    assert _sign_in(Client(), "clerk1", PASSWORD, ip="10.0.0.9").status_code == 302
    # Nobody else may: the system administrator's unlock is refused.
    login(users.sysadmin).post(f"/org/security/{users.clerk1.pk}/", {"action": "unlock"})
    assert AuditRecord.objects.filter(action=Action.UNLOCK).count() == 1


# --- sessions ------------------------------------------------------------------------------


def test_thirty_idle_minutes_end_the_session(client, users):
    _enrolled(users.clerk1)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(users.clerk1)
        assert client.get("/loop/").status_code == 200
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/loop/").status_code == 200  # activity keeps it alive
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/loop/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/loop/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    record = AuditRecord.objects.get(action=Action.SESSION_EXPIRED)
    assert record.detail == {"reason": "idle"}


def test_twelve_hours_end_even_a_busy_session(client, users):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(users.clerk1)
        for _quarter in range(47):
            clock.shift(datetime.timedelta(minutes=15))
            assert client.get("/loop/").status_code == 200
        clock.shift(datetime.timedelta(minutes=16))
        assert client.get("/loop/").status_code == 302
    assert AuditRecord.objects.get(action=Action.SESSION_EXPIRED).detail == {"reason": "lifetime"}


# --- the second factor ---------------------------------------------------------------------


def test_a_password_alone_opens_no_page_api_or_admin(client, users):
    device = _enrolled(users.clerk1)
    response = _sign_in(client, "clerk1")
    assert response.status_code == 302
    for path in ("/", "/loop/", "/admin/"):
        refused = client.get(path)
        assert refused.status_code == 302 and refused.url.startswith("/accounts/2fa/"), path
    assert client.get("/api/v1/sites/").status_code == 403
    wrong = client.post("/accounts/2fa/", {"code": "000000" if _code(device) != "000000" else "1"})
    assert "验证码不正确" in wrong.content.decode()
    assert AuditRecord.objects.filter(action=Action.OTP_FAILED, actor_id=users.clerk1.pk)
    # django-otp makes the next try wait a second after a failure; the test does not wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    ok = client.post("/accounts/2fa/", {"code": _code(device), "next": "/loop/"})
    assert ok.status_code == 302 and ok.url == "/loop/"
    assert client.get("/loop/").status_code == 200
    assert client.get("/api/v1/sites/").status_code == 200


def test_a_code_works_once_and_five_wrong_codes_sign_out(users):
    device = _enrolled(users.clerk1)
    first = Client()
    _sign_in(first, "clerk1")
    code = _code(device)
    assert first.post("/accounts/2fa/", {"code": code}).status_code == 302
    replay = Client()
    _sign_in(replay, "clerk1")
    assert (
        "验证码不正确或已使用过" in replay.post("/accounts/2fa/", {"code": code}).content.decode()
    )
    guesser = Client()
    _sign_in(guesser, "clerk1")
    wrong = "123456" if _code(device, 1) != "123456" else "654321"
    for _attempt in range(5):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        response = guesser.post("/accounts/2fa/", {"code": wrong})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert guesser.get("/loop/").status_code == 302  # signed out


def test_first_password_then_authenticator_then_work(client, users):
    """An imported account: the system administrator sets a first password, the owner
    replaces it, binds an authenticator, and only then reaches the pages."""
    newcomer = User.objects.create(
        username="newcomer", full_name="新同事", role="clerk", unit=users.clerk1.unit
    )
    newcomer.set_unusable_password()
    newcomer.save()
    services.user_set_initial_password(
        actor=users.sysadmin, user=newcomer, password="First-Pass-2023"
    )
    assert AuditRecord.objects.filter(action=Action.PASSWORD_RESET, object_id=str(newcomer.pk))

    _sign_in(client, "newcomer", "First-Pass-2023")
    response = client.get("/loop/")
    assert response.url.startswith("/accounts/password/")
    # Enrolling before replacing the first password is not possible.
    assert client.get("/accounts/2fa/setup/").url.startswith("/accounts/password/")
    weak = client.post(
        "/accounts/password/", {"new_password1": "password", "new_password2": "password"}
    )
    assert "至少 3 类" in weak.content.decode() or "过于常见" in weak.content.decode()
    client.post(
        "/accounts/password/",
        {"new_password1": "Own-Secret-2023", "new_password2": "Own-Secret-2023"},
    )
    response = client.get("/loop/")
    assert response.url.startswith("/accounts/2fa/setup/")
    setup = client.get(response.url).content.decode()
    assert "<svg" in setup and "密钥" in setup and "绑定码" in setup
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    # The system administrator knows the first password, so a right TOTP code is not enough:
    # the binding also needs the code the security administrator hands over.
    alone = client.post("/accounts/2fa/setup/", {"code": _code(device), "next": "/loop/"})
    assert alone.status_code == 200 and "请向安全管理员领取" in alone.content.decode()
    enrolment_code = services.user_issue_enrolment_code(actor=users.secadmin, user=newcomer)
    assert client.post("/accounts/2fa/setup/", {"code": "12345"}).status_code == 200
    done = client.post(
        "/accounts/2fa/setup/",
        {"code": _code(device), "enrolment_code": enrolment_code, "next": "/loop/"},
    )
    assert done.status_code == 302 and done.url == "/loop/"
    assert client.get("/loop/").status_code == 200
    assert AuditRecord.objects.filter(action=Action.OTP_ENROL, actor_id=newcomer.pk).exists()
    assert verify_stored_chain()[1] is None


def test_the_security_administrator_resets_a_lost_phone(users, login):
    _enrolled(users.clerk1)
    login(users.secadmin).post(f"/org/security/{users.clerk1.pk}/", {"action": "reset_otp"})
    assert not TOTPDevice.objects.filter(user=users.clerk1).exists()
    assert AuditRecord.objects.filter(action=Action.OTP_RESET, object_id=str(users.clerk1.pk))
    client = Client()
    _sign_in(client, "clerk1")
    assert client.get("/loop/").url.startswith("/accounts/2fa/setup/")


def test_demo_codes_are_shown_only_in_demo_mode(client, users, settings):
    _enrolled(users.clerk1)
    _sign_in(client, "clerk1")
    assert 'data-testid="demo-code"' in client.get("/accounts/2fa/").content.decode()
    settings.LONGCHENG_DEMO = False
    assert 'data-testid="demo-code"' not in client.get("/accounts/2fa/").content.decode()
