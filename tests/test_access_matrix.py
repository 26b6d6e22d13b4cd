"""The access matrix (等保 8.1.4.2): every page and API path of the demo requested as every
role, and who gets it checked against the rules.

The paths are every URL without parameters plus the object pages found by following links as
business users (up to a few samples per view), and the API's lists and objects. The rules:
nobody meets a server error; someone not signed in gets only the public pages; the system,
security and audit administrators get no business record; a record's page and API object open
exactly for the users whose scope holds the record (404 for the others).
"""

import io
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from longcheng.accounts.models import User
from longcheng.accounts.scoping import scope_queryset
from longcheng.loop.models import Matter
from longcheng.loop.selectors import matters_visible_to
from longcheng.parties.models import Enterprise, Person, Site
from longcheng.privacy.models import DataRequest

pytestmark = pytest.mark.django_db(transaction=False)

IDENTITIES = [
    None,
    "sysadmin",
    "secadmin",
    "auditor",
    "dispatcher",
    "wj_clerk",
    "cg_leader",
    "cg_clerk1",
    "cg_clerk2",
    "xd_clerk",
    "tw_clerk",
    "invest_clerk",
    "supervisor01",
]
ADMINISTRATORS = {"sysadmin", "secadmin", "auditor"}
CRAWLERS = ["dispatcher", "cg_clerk1", "wj_clerk", "xd_clerk", "tw_clerk", "invest_clerk"]
SAMPLES_PER_VIEW = 2

# Views anyone may open without signing in: the citizens' and volunteers' phone pages, open
# data, the Open311 interface and the sign-in itself.
PUBLIC_VIEWS = {
    "accounts:login",
    "appeals:public_submit",
    "appeals:public_point",
    "appeals:public_done",
    "appeals:public_track",
    "appeals:public_status",
    "appeals:public_figures",
    # The reporter's own link in an SMS (a keyed token) and its 不再接收短信通知.
    "appeals:public_matter",
    "appeals:public_opt_out",
    # The phone form's "which district and street is this point in" (division names only) and
    # the public map of open problems (what Open311 publishes: no person, no internal matter).
    "appeals:public_place",
    "appeals:public_map",
    "appeals:public_map_points",
    "appeals:open311",
    "appeals:open311_item",
    "inspections:party_rectification",
    "inspections:public_results",
    "inspections:public_campaign",
    "enforcement:public_decisions",
    "volunteers:public_lookup",
    "volunteers:public_status",
    "volunteers:schedule",
    "volunteers:checkin",
    "volunteers:apply",
    "volunteers:publicity",
    "privacy:policy",
    # The divisions' boundaries every map draws (published information, no record).
    "org:boundaries",
    # The field app's manifest and service worker: the browser fetches them without the
    # user's cookies; they hold no record (the worker asks for the user's pages itself).
    "inspections:manifest",
    "inspections:sw",
}
# Business records: what the three administrators must never read (三权分立).
BUSINESS_NAMESPACES = {
    "parties",
    "loop",
    "appeals",
    "routing",
    "inspections",
    "enforcement",
    "projects",
    "volunteers",
    "funds",
    "privacy",
    "cockpit",
    "knowledge",
    "hotline",
}
# Pages in business modules that hold no business record: one's own notifications, and the
# system administrator's work (routing model versions, API keys for other systems).
NOT_RECORDS = {
    ("loop:notifications", "sysadmin"),
    ("loop:notifications", "secadmin"),
    ("loop:notifications", "auditor"),
    ("routing:models", "sysadmin"),
    ("loop:calendar", "sysadmin"),  # the holiday schedule: no business record on it
    ("appeals:api_keys", "sysadmin"),
}
# Pages with side effects or no page at all: not requested by GET here.
SKIPPED = {"accounts:logout", "set_language"}


def _parameterless_paths() -> list[str]:
    paths = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if not re.search(r"[<(^$\\]", route):
                    paths.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return paths


def _view(path: str) -> str | None:
    try:
        return resolve(path.split("?")[0]).view_name
    except Resolver404:
        return None


def _links(html: str) -> list[str]:
    return [
        h.replace("&amp;", "&")
        for h in re.findall(r'href="(/[^"#]*)"', html)
        if not h.startswith(("/static/", "/i18n/", "/accounts/logout"))
    ]


def _crawl(client: Client, start: list[str], seen_views: Counter, found: set[str]) -> None:
    queue = list(start)
    visited: set[str] = set()
    while queue and len(visited) < 120:
        path = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode()):
            view = _view(link)
            if view is None or view in SKIPPED or view.startswith("admin:") or "?" in link:
                continue
            if link not in found and seen_views[view] < SAMPLES_PER_VIEW:
                seen_views[view] += 1
                found.add(link)
                queue.append(link)


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def test_every_path_as_every_role():
    call_command("seed_demo", stdout=io.StringIO())
    # 三权分立: no account of the demo is a superuser or may enter the Django admin.
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()
    paths = set(p for p in _parameterless_paths() if _view(p) not in SKIPPED)
    seen_views: Counter = Counter()
    for path in paths:
        seen_views[_view(path)] += 1
    for username in CRAWLERS:
        _crawl(_client(username), sorted(paths), seen_views, paths)
    dispatcher = _client("dispatcher")
    api_lists = [
        reverse(f"api:{name}-list")
        for name in ("division", "unit", "enterprise", "institution", "site", "person")
    ]
    paths.update(api_lists)
    for path in api_lists:
        for item in dispatcher.get(path).json().get("results", [])[:SAMPLES_PER_VIEW]:
            paths.add(f"{path}{item['id']}/")

    status: dict[tuple[str | None, str], int] = {}
    for username in IDENTITIES:
        client = _client(username)
        for path in sorted(paths):
            response = client.get(path)
            status[username, path] = response.status_code
            if username is None and response.status_code == 302:
                status[username, path] = 302 if "/accounts/login/" in response.url else 303

    views = {path: _view(path) for path in paths}
    problems: list[str] = []
    for (username, path), code in status.items():
        view = views[path] or ""
        namespace = view.split(":")[0]
        if code >= 500:
            problems.append(f"{username} {path}: server error {code}")
        elif username is None and view not in PUBLIC_VIEWS and code == 200:
            problems.append(f"anonymous reads {path}")
        elif username is None and view not in PUBLIC_VIEWS and code not in (302, 401, 403):
            problems.append(f"anonymous {path}: {code}, not sent to sign in")
        elif username in ADMINISTRATORS and namespace in BUSINESS_NAMESPACES and code == 200:
            if view not in PUBLIC_VIEWS and (view, username) not in NOT_RECORDS:
                problems.append(f"{username} reads business page {path}")
    assert not problems, "\n".join(sorted(problems))

    # Records: 200 exactly for the users whose scope holds them, else 404 (or 403 for a role
    # that reads no records at all).
    by_model = {
        "parties:enterprise_detail": Enterprise,
        "parties:site_detail": Site,
        "parties:person_detail": Person,
        "api:enterprise-detail": Enterprise,
        "api:site-detail": Site,
        "api:person-detail": Person,
        "loop:matter_detail": Matter,
        "privacy:detail": DataRequest,
    }
    checked = defaultdict(int)
    for path, view in views.items():
        model = by_model.get(view or "")
        if model is None:
            continue
        pk = int(resolve(path).kwargs["pk"])
        for username in IDENTITIES[1:]:
            user = User.objects.get(username=username)
            if model is Matter:
                may = matters_visible_to(user).filter(pk=pk).exists()
            elif model is DataRequest:
                may = scope_queryset(DataRequest.objects.all(), user, "unit").filter(pk=pk).exists()
                may = may and user.role in ("clerk", "leader", "dispatcher")
            else:
                may = scope_queryset(model.objects.all(), user).filter(pk=pk).exists()
            code = status[username, path]
            assert (code == 200) == may, f"{username} {path}: {code}, in scope: {may}"
            assert code in (200, 403, 404), f"{username} {path}: {code}"
            checked[view] += 1
    assert set(checked) == set(by_model), f"no sample of {set(by_model) - set(checked)}"
    # The crawl reached the object pages of every module.
    reached = {v.split(":")[0] for v in views.values() if v}
    assert BUSINESS_NAMESPACES <= reached, BUSINESS_NAMESPACES - reached
