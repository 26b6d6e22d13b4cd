"""Production refuses a secret anyone could know (issue 23, item 10): the start fails, it is
not a warning."""

import base64
import os
import secrets
import subprocess
import sys

from django.conf import settings

from longcheng.core.secrets_check import secret_problems


def _production(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGCHENG_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "longcheng.example",
        "DATABASE_URL": "sqlite:////tmp/never-created.sqlite3",
        "LONGCHENG_FIELD_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "LONGCHENG_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "LONGCHENG_AUDIT_KEYS": "a1:" + base64.b64encode(os.urandom(32)).decode(),
    } | overrides
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )


def test_production_starts_with_fresh_random_secrets():
    result = _production()
    assert result.returncode == 0, result.stderr


def test_the_demo_default_key_stops_production():
    demo_key = "insecure-embedded-demo-key-change-me"
    assert demo_key in (settings.BASE_DIR / "config/settings/base.py").read_text()
    result = _production(DJANGO_SECRET_KEY=demo_key + "-" + "padding" * 3)
    # Long enough, but the demo key with a suffix is not in the repository: only the short one is.
    assert result.returncode == 0, result.stderr
    result = _production(DJANGO_SECRET_KEY=demo_key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "written in" in result.stderr


def test_a_key_copied_from_the_docs_stops_production():
    """The placeholders of .env.example, pasted as they are, are found in the installation."""
    example = (settings.BASE_DIR / ".env.example").read_text()
    audit_line = next(line for line in example.splitlines() if line.startswith("LONGCHENG_AUDIT"))
    result = _production(LONGCHENG_AUDIT_KEYS=audit_line.partition("=")[2])
    assert result.returncode != 0
    assert "LONGCHENG_AUDIT_KEYS (1)" in result.stderr and ".env.example" in result.stderr


def test_every_problem_is_named_at_once(tmp_path):
    leaked = secrets.token_urlsafe(48)
    (tmp_path / "notes.md").write_text(f"the blind index key is {leaked}\n")
    problems = secret_problems("short", keyed={"LONGCHENG_BLIND_INDEX_KEY": leaked}, root=tmp_path)
    assert len(problems) == 2
    assert problems[0].startswith("DJANGO_SECRET_KEY: at least 50 characters")
    assert "LONGCHENG_BLIND_INDEX_KEY" in problems[1] and "notes.md" in problems[1]
    assert secret_problems("a" * 60, root=tmp_path)[0].startswith("DJANGO_SECRET_KEY")
    assert secret_problems(secrets.token_urlsafe(48), root=tmp_path) == []
