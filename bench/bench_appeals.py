"""Public appeal submissions through the full HTTP stack (gunicorn, Django, PostgreSQL), at 50
concurrent clients, against a bare endpoint on the same server that only inserts one row.
Prints throughput and p50/p99; it does not pass or fail.

    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_bench_appeals \
        .venv/bin/python bench/bench_appeals.py --clients 50 --per-client 20
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8099


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def prepare(env) -> str:
    run = [sys.executable, "manage.py"]
    subprocess.run([*run, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*run, "seed_demo"],
        cwd=ROOT,
        env={**env, "LONGCHENG_DEMO_MATTERS": "0"},
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [
            *run,
            "shell",
            "-v0",
            "-c",
            "from django.db import connection;"
            "connection.cursor().execute('CREATE TABLE IF NOT EXISTS bench_bare "
            "(id bigserial primary key, at timestamptz)');"
            "from longcheng.appeals.models import MonitoringPoint as M;"
            "from longcheng.appeals.tokens import point_token;"
            "print(point_token(M.objects.get(code='xd-hall')))",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def submit_loop(path, count, results, errors, index):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    for n in range(count):
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            page = response.read().decode()
            cookie = response.getheader("Set-Cookie", "")
            csrf = re.search(r"csrftoken=([^;]+)", cookie).group(1)
            key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": csrf,
                    "submission_key": key,
                    "description": f"压测提交第 {index}-{n} 件：窗口办事材料要求不一致，请核查。",
                    "anonymous": "on",
                    # The texts are alike by construction: answer "a new problem" to the
                    # similar-matters question (the lookup has its own bench_routing_db).
                    "confirm_new": "1",
                }
            )
            started = time.perf_counter()
            conn.request(
                "POST",
                path,
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf}",
                    "Referer": f"http://127.0.0.1:{PORT}{path}",
                },
            )
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 302:
                errors.append(response.status)
            else:
                results.append(elapsed)
        except Exception as error:
            errors.append(repr(error))
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)


def bare_loop(count, results, errors):
    """The same two round trips as a submission (fetch a page, then post), the post only
    inserting one row: throughputs compare like with like; latency is the post's."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    for _n in range(count):
        conn.request("GET", "/bench/bare")
        conn.getresponse().read()
        started = time.perf_counter()
        conn.request("POST", "/bench/bare", b"")
        response = conn.getresponse()
        response.read()
        (results if response.status == 200 else errors).append(
            (time.perf_counter() - started) * 1000
        )


def worker_memory_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (Linux /proc), in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def run(target, clients, per_client, *args):
    results, errors, threads = [], [], []
    started = time.perf_counter()
    for i in range(clients):
        thread = threading.Thread(
            target=target,
            args=(*args, per_client, results, errors, i)
            if target is submit_loop
            else (per_client, results, errors),
        )
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return results, errors, wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LONGCHENG_DEMO": "1",
        "LONGCHENG_APPEAL_LIMIT_PER_IP": "100000000/3600",
        # All clients share one address: the per-address budget for anonymous requests too.
        "LONGCHENG_ANONYMOUS_LIMIT": "100000000/3600",
        "CONN_MAX_AGE": "60",
    }
    if "postgres" not in env.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database for the benchmark.")
    token = prepare(env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi_bench:application",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)
        path = f"/a/p/{token}/"
        results, errors, wall = run(submit_loop, args.clients, args.per_client, path)
        bare, bare_errors, bare_wall = run(bare_loop, args.clients, args.per_client)
        memory = worker_memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = args.clients * args.per_client
    print(
        f"gunicorn {args.workers} sync workers, {args.clients} concurrent clients, "
        f"{total} requests each run"
    )
    print(
        f"public submission (GET the form + POST, full stack): {len(results) / wall:.0f} /s, "
        f"p50={statistics.median(results):.0f} ms p99={percentile(results, 99):.0f} ms, "
        f"errors={len(errors)} {sorted(set(map(str, errors)))[:3]} (latency: the POST)"
    )
    print(
        f"bare endpoint (GET + POST inserting one row): {len(bare) / bare_wall:.0f} /s, "
        f"p50={statistics.median(bare):.0f} ms p99={percentile(bare, 99):.0f} ms, "
        f"errors={len(bare_errors)}"
    )
    print(
        f"ratio (bare throughput / submission throughput): "
        f"{(len(bare) / bare_wall) / (len(results) / wall):.1f}x"
    )
    print(
        "memory per worker after the runs (RSS): " + ", ".join(f"{size:.0f} MB" for size in memory)
    )


if __name__ == "__main__":
    main()
