"""The Content-Security-Policy holds: scripts come only from this site, and no template has
an inline script or an inline event handler that the policy would refuse."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = [
    p for p in [*ROOT.glob("longcheng/*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]
]


def test_pages_carry_the_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_or_handler(template):
    text = template.read_text(encoding="utf-8")
    # A <script> must load a file; JSON data blocks (type="application/json") are not run.
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", text)
    assert not re.search(r"(?<![\w-])on[a-z]+\s*=\s*[\"']", text), "inline event handler"
    assert "javascript:" not in text
