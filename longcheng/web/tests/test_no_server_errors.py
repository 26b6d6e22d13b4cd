"""No input makes a server error: every URL pattern, as each kind of user, with malformed query
parameters and malformed form bodies, answers below 500 — a refusal, a plain message, a 404 —
on the demo's data. A 5xx is a bug, whatever the input."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from longcheng.accounts.models import User

pytestmark = pytest.mark.django_db

# What a careless or hostile user types: out-of-range numbers, impossible dates, ids that are
# not ids, injection-looking sort keys. (NUL bytes are refused at the door: see the last test.)
BAD_QUERY = {
    "page": "-1",
    "per_page": "1e999999",
    "start": "99999-99-99",
    "end": "1e999999",
    "from": "0000-00",
    "to": "abc",
    "year": "1e999999",
    "month": "13",
    "sort": "__class__",
    "q": "' OR 1=1 --",
    "box": "../../etc",
    "scope": "x",
    "by": "__dict__",
    "division": "99999999999999999999999",
    "unit": "-1",
    "measure": "x",
    "status": "x",
    "id": "NaN",
}
BAD_BODY = {
    **BAD_QUERY,
    "version": "abc",
    "amount": "1e999999",
    "investment": "Infinity",
    "nav": "NaN",
    "commitment": "-1e999999",
    "score": "1e3",
    "days": "99999999999999999999",
    "deadline": "2027-02-30",
    "date": "99999-01-01",
    "on": "0001-01-01",
    "held_on": "3000-13-01",
    "served_on": "x",
    "until": "1e9",
    "pk": "x",
    "review": "-5",
    "claim": "999999999999999999999",
    "extension": "abc",
    "lead_unit": "999999999999",
    "category": "abc",
    "text": "x" * 20000,
    "reason": "",
    "rating": "x",
    "apply": "2",
    "certify": "x",
}


def _posted_names() -> set[str]:
    """Every field name a view reads straight from the request, so each gets a bad value."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    found = set()
    for source in root.rglob("*.py"):
        if "tests" not in source.parts:
            found.update(
                re.findall(r"(?:POST|GET|post|params)\.get\(\s*\"(\w+)\"", source.read_text())
            )
    return found


SKIPPED = re.compile(r"^/(static|media|admin)/|^/accounts/logout/|^/healthz|^/readyz|^/metrics")


def _paths(patterns, prefix=""):
    """Every URL pattern as a path, its arguments filled with an id that exists in the demo
    (1) or words no record has."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            route = route.lstrip("^").rstrip("$")
            if "(?P" in route or "\\" in route:
                continue  # regex patterns (the i18n and static helpers)
            yield "/" + re.sub(
                r"<(?:(\w+):)?(\w+)>",
                lambda m: "1" if m.group(1) in (None, "int") else "nope",
                route,
            )


ROLES = ["anonymous", "dispatcher", "cg_leader", "xd_clerk", "sysadmin", "auditor"]


def test_no_url_answers_a_server_error_to_malformed_input(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    paths = sorted({p for p in _paths(get_resolver().url_patterns) if not SKIPPED.search(p)})
    body = {name: "x'1e999999" for name in _posted_names()} | BAD_BODY
    assert len(paths) > 100
    failures = []
    answered: Counter = Counter()
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(User.objects.get(username=role))
        for path in paths:
            for method, data in (("get", BAD_QUERY), ("post", body)):
                response = getattr(client, method)(path, data)
                if "/1/" not in path and "/nope/" not in path:  # pages without an id in them
                    answered[(role, method, response.status_code)] += 1
                if response.status_code >= 500:
                    failures.append(f"{role} {method.upper()} {path} → {response.status_code}")
    assert not failures, "\n".join(failures)
    # The walk reached the pages themselves, not only the sign-in and refusal pages (ids differ
    # between databases, so this counts the pages without an id in their path).
    plain = [p for p in paths if "/1/" not in p and "/nope/" not in p]
    assert answered[("dispatcher", "get", 200)] > len(plain) // 2, answered


def test_a_nul_character_is_refused_at_the_door(client, users):
    client.force_login(users.dispatcher)
    response = client.get("/loop/", {"q": "噪音\x00"})
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert client.post("/loop/receive/", {"title": "a\x00b"}).status_code == 400
    assert client.get("/loop/", {"q": "噪音"}).status_code == 200
