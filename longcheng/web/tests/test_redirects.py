"""Every `next` parameter is checked against the site's own host (issue 23, items 9 and 11)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from longcheng.core.redirects import safe_next

FOREIGN = [
    "https://evil.example/phish",
    "//evil.example/",
    "javascript:alert(1)",
    "\\\\evil.example",
    "https:evil.example",
    "x",  # a bare word: `redirect` would look it up as a view name and fail
    "loop:inbox",
]


@pytest.mark.parametrize("target", FOREIGN)
def test_a_foreign_or_script_target_falls_back_to_the_default(target):
    request = RequestFactory().get("/", {"next": target})
    assert safe_next(request, "/home/") == "/home/"
    request = RequestFactory().post("/", {"next": target})
    assert safe_next(request, "/home/") == "/home/"


def test_a_path_of_this_site_is_kept():
    request = RequestFactory().get("/", {"next": "/loop/inbox/?tab=overdue"})
    assert safe_next(request) == "/loop/inbox/?tab=overdue"


@pytest.mark.django_db
def test_the_form_cancel_link_never_carries_a_script(login, users):
    client = login(users.committee_clerk)
    page = client.get(reverse("parties:enterprise_create"), {"next": "javascript:alert(1)"})
    assert page.status_code == 200
    assert "javascript:" not in page.content.decode()
    page = client.get(reverse("parties:enterprise_create"), {"next": "/parties/enterprises/"})
    assert 'href="/parties/enterprises/"' in page.content.decode()


@pytest.mark.django_db
def test_sign_in_does_not_send_the_user_to_another_site(client, users):
    users.clerk1.set_password("Longcheng#2026")
    users.clerk1.save()
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "clerk1", "password": "Longcheng#2026", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_no_view_reads_next_except_through_safe_next():
    """The neighbours of the instances found: any new reader of `next` goes through the check."""
    root = Path(settings.BASE_DIR) / "longcheng"
    readers = [
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and re.search(r"""(GET|POST|data|params)\.get\(\s*["']next["']""", path.read_text())
    ]
    assert readers == ["core/redirects.py"]


def test_the_demo_runs_with_debug_off():
    """`make demo` uses the base settings: DEBUG is off unless DJANGO_DEBUG says otherwise, so a
    visitor sees the platform's 404 and 500 pages, never Django's debug page."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    probe = "import django; django.setup(); from django.conf import settings as s; "
    probe += "print(s.DEBUG, s.LONGCHENG_DEMO, s.WHITENOISE_USE_FINDERS)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.split() == ["False", "True", "True"]
