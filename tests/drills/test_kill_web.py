"""Reliability drill: the web server is killed (SIGKILL, master and workers) at random moments
while citizens send LONGCHENG_DRILL_SUBMISSIONS (default 1000) appeals with a photo through the
public form — gunicorn as production runs it (deploy/gunicorn.conf.py), on the suite's database.
A citizen whose page failed taps "submit" again (same form, same submission key).

Then: every submission that got a tracking code is in the database whole (matter, appeal,
receiving event, the photo's file readable), nothing is stored half (no matter without its
appeal, no appeal without its photo), no tracking code repeats, no submission is stored twice,
and the audit hash chain verifies."""

import io
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from PIL import Image

from longcheng.appeals.models import Appeal
from longcheng.audit.chain import verify_stored_chain
from longcheng.loop.models import Attachment, Matter, MatterEvent
from tests.processes import subprocess_database_url

SUBMISSIONS = int(os.environ.get("LONGCHENG_DRILL_SUBMISSIONS", 1000))
CLIENTS = 8
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NOTICE = re.compile(r'name="notice_version" value="([^"]*)"')
DONE = re.compile(r"/a/done/([A-Z0-9]+)/")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebServer:
    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.media = tmp_path / "media"
        self.log = (tmp_path / "gunicorn.log").open("a")
        self.process: subprocess.Popen | None = None
        unlimited = "1000000/60"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": subprocess_database_url(),
            "MEDIA_ROOT": str(self.media),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            "LONGCHENG_APPEAL_LIMIT_PER_IP": unlimited,
            "LONGCHENG_APPEAL_LIMIT_PER_PHONE": unlimited,
            "LONGCHENG_ANONYMOUS_LIMIT": unlimited,
            "LONGCHENG_TIMERS": "off",
            "LOG_LEVEL": "WARNING",
        }

    def start(self) -> None:
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", "config.wsgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("gunicorn did not start; see gunicorn.log")
            time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def _photo(index: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (index % 256, 80, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


# What a client meets when the server dies under its request.
SERVER_GONE = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
RETRIES = [0]  # attempts that met a dead server (reported, to show the kills hit requests)


def _submit(server: WebServer, index: int, failures: list) -> str:
    """One citizen's appeal, sent again after every failed attempt; returns the tracking code."""
    session = requests.Session()
    key = f"drill-{index:06d}-{random.getrandbits(32):08x}"
    while True:
        try:
            form = session.get(server.base + "/a/", timeout=10)
            if form.status_code != 200:
                raise requests.ConnectionError(f"form answered {form.status_code}")
            response = session.post(
                server.base + "/a/",
                data={
                    "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
                    "notice_version": NOTICE.search(form.text).group(1),
                    "submission_key": key,
                    "description": f"第{index}号：小区门口路灯不亮已一周，夜间行走不便。",
                    "reporter_name": "市民",
                    "reporter_phone": f"139{index:08d}",
                    "consent": "on",
                    "confirm_new": "1",
                },
                files={"photos": (f"现场{index}.jpg", _photo(index), "image/jpeg")},
                allow_redirects=False,
                timeout=20,
            )
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
        ):
            RETRIES[0] += 1
            time.sleep(0.3)  # the server is down: the citizen taps again a moment later
            continue
        found = DONE.search(response.headers.get("Location", ""))
        if response.status_code == 302 and found:
            return found.group(1)
        if response.status_code in (502, 503):
            time.sleep(0.3)
            continue
        failures.append((index, response.status_code, response.text[:300]))
        return ""


@pytest.mark.django_db(transaction=True)
def test_kill_9_during_public_submissions_loses_and_halves_nothing(tmp_path):
    seed = int(os.environ.get("LONGCHENG_DRILL_SEED", random.SystemRandom().randrange(10**9)))
    rng = random.Random(seed)
    server = WebServer(tmp_path)
    server.start()
    failures: list = []
    kills = 0
    finished = threading.Event()

    def killer():
        nonlocal kills
        while not finished.wait(rng.uniform(0.3, 2.0)):
            server.kill()
            kills += 1
            server.start()

    chaos = threading.Thread(target=killer, daemon=True)
    chaos.start()
    try:
        with ThreadPoolExecutor(CLIENTS) as clients:
            codes = list(clients.map(lambda i: _submit(server, i, failures), range(SUBMISSIONS)))
    finally:
        finished.set()
        chaos.join(timeout=90)
        server.kill()
    assert not failures, (f"seed {seed}", failures[:3])
    assert kills >= 3, f"seed {seed}: only {kills} kills; the drill did not test anything"

    # Every acknowledged submission is there, once, whole.
    assert len(codes) == SUBMISSIONS and len(set(codes)) == SUBMISSIONS
    appeals = Appeal.objects.filter(tracking_code__in=codes).select_related("matter")
    assert appeals.count() == SUBMISSIONS
    assert Appeal.objects.count() == SUBMISSIONS  # no submission stored twice
    # Nothing half-stored: each matter has its appeal, its receiving event and its photo.
    assert Matter.objects.count() == SUBMISSIONS
    received = MatterEvent.objects.filter(kind=MatterEvent.Kind.RECEIVED)
    assert received.values("matter").distinct().count() == SUBMISSIONS
    attachments = list(Attachment.objects.all())
    assert len(attachments) == SUBMISSIONS
    assert {a.matter_id for a in attachments} == set(appeals.values_list("matter_id", flat=True))
    for attachment in attachments:
        with Image.open(server.media / attachment.file.name) as image:
            assert image.size == (64, 48)
    checked, broken = verify_stored_chain()
    assert broken is None and checked >= SUBMISSIONS
    print(
        f"\nkill -9 drill: seed {seed}, {kills} kills, {RETRIES[0]} attempts met a dead server, "
        f"{SUBMISSIONS} submissions acknowledged, all whole"
    )
