#!/usr/bin/env python
"""Signing benchmark (`make bench-sign`): sustained petition signatures under wrk.

Starts the whole platform as `manage.py serve` does (granian, task worker,
scheduler) with the production settings on a fresh database holding the demo,
then POSTs signatures with wrk for --seconds from 8 connections, each with a
new address and a random client address. Afterwards it checks in the database
that every successful answer (a 302 to the thank-you page) stored exactly one
signature. Target: ≥ 1,000 signatures/s, p99 < 100 ms, 0 errors, 0 lost.
--rate N paces the requests at N a second (a surge of a given size) instead.

--sink sends the confirmations to a local mail server (bench/smtpsink.py) and
reports when they arrived: all within 2 minutes of the surge's end is the target.

Before that, the same server (same workers, same database) serves a bare
Django view that validates the same fields and INSERTs one row
(bench/ceiling_urls.py) for as long: signing is reported as a share of that
ceiling, which drifts with the machine as signing does (--no-ceiling skips it).

--database postgres uses the machine's PostgreSQL (127.0.0.1:5432, database
solidaria_bench, created if missing). Loopback only; every run is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, environment, free_port, fresh_postgres, manage, wait_until_up

PETITION = "drop-the-charges"
WRK_THREADS = 2


def form_token(env: dict[str, str]) -> str:
    code = (
        "import django; django.setup(); from solidaria.core.web.formguard import form_token; "
        "from solidaria.petitions.models import Petition; "
        f"print(form_token(f'sign:{{Petition.objects.get(slug=\"{PETITION}\").pk}}'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def count_signatures(env: dict[str, str]) -> dict[str, int]:
    code = (
        "import django, json; django.setup(); from django.db.models import Count; "
        "from solidaria.petitions.models import Signature; "
        "rows = Signature.objects.values('status').annotate(n=Count('pk')); "
        "print(json.dumps({r['status']: r['n'] for r in rows}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(out))


def wait_for_confirmations(env: dict[str, str], *, timeout: float) -> tuple[float | None, int]:
    """Seconds after the load until every signature's confirmation email was queued
    (None if not within `timeout`), and how many were still waiting at the end."""
    code = (
        "import django; django.setup(); from solidaria.petitions.models import Signature; "
        "print(Signature.objects.filter(confirmation_queued=False).count())"
    )
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        owed = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if owed == "0":
            return round(time.monotonic() - start, 1), 0
        time.sleep(2)
    return None, int(owed)


MAILED = """
import django, json, sys
django.setup()
from solidaria.petitions.models import Signature
owed = Signature.objects.filter(status__in=["pending", "confirmed"])
print(json.dumps({s.email: s.created_at.timestamp() for s in owed.iterator(chunk_size=5000)
                  if s.email}))
"""


def sink_arrivals(log: Path) -> dict[str, float]:
    """The first arrival time of a message for each recipient the sink has seen."""
    first: dict[str, float] = {}
    for line in log.read_text().splitlines():
        at, recipients = line.split("\t")
        for recipient in recipients.split(","):
            first.setdefault(recipient, float(at))
    return first


def wait_for_mail(
    env: dict[str, str], log: Path, *, surge_end: float, timeout: float
) -> dict[str, object]:
    """Until every signature owed a confirmation has its email at the sink (or
    `timeout`): seconds after the surge's end until the last arrived, and the
    time from signing to arrival (p50, p99)."""
    signed: dict[str, float] = json.loads(
        subprocess.run(
            [sys.executable, "-c", MAILED], cwd=ROOT, env=env, capture_output=True, text=True,
            check=True,
        ).stdout
    )  # fmt: skip
    deadline = time.time() + timeout
    arrived = sink_arrivals(log)
    while time.time() < deadline and any(email not in arrived for email in signed):
        time.sleep(2)
        arrived = sink_arrivals(log)
    delays = sorted(arrived[email] - at for email, at in signed.items() if email in arrived)
    last = max((arrived[email] for email in signed if email in arrived), default=surge_end)

    def share(q: float) -> float | None:
        return round(delays[min(len(delays) - 1, int(q * len(delays)))], 1) if delays else None

    return {
        "confirmations_owed": len(signed),
        "confirmations_arrived": len(delays),
        "last_arrived_seconds_after_surge": round(last - surge_end, 1),
        "signing_to_inbox_p50_s": share(0.50),
        "signing_to_inbox_p99_s": share(0.99),
    }


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the direct children of a process, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append((int(entry.name), cmdline))
    return found


def kill_midway(serve_pid: int, delay: float) -> threading.Timer:
    """SIGKILLs one web worker and the task worker after `delay` seconds."""

    def kill() -> None:
        for pid, cmdline in children(serve_pid):
            if "db_worker" in cmdline:
                os.kill(pid, signal.SIGKILL)
                print(f"killed the task worker ({pid})", file=sys.stderr)
            elif "granian" in cmdline:
                web_workers = children(pid)
                if web_workers:
                    os.kill(web_workers[0][0], signal.SIGKILL)
                    print(f"killed a web worker ({web_workers[0][0]})", file=sys.stderr)

    timer = threading.Timer(delay, kill)
    timer.start()
    return timer


def start_server(
    env: dict[str, str], args: argparse.Namespace
) -> tuple[subprocess.Popen[bytes], str]:
    """`manage.py serve` as `make run` starts it, on a free port; returns it and its address."""
    port = free_port()
    command = [sys.executable, "manage.py", "serve", "--port", str(port)]
    command += ["--workers", str(args.workers)]
    if args.no_worker:
        command.append("--no-worker")
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )
    return server, f"http://127.0.0.1:{port}"


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGINT)
    server.wait(timeout=60)


def run_wrk(
    wrk: str, url: str, args: argparse.Namespace, *, token: str, origin: str, rate: int = 0
) -> str:
    """wrk's output; `rate` paces the requests (signatures a second), 0 sends them
    as fast as the server answers."""
    return subprocess.run(
        [
            wrk,
            f"-t{WRK_THREADS}",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "sign.lua"),
            url,
        ],
        env={
            **os.environ,
            "FORM_TOKEN": token,
            "ORIGIN": origin,
            "THREADS": str(WRK_THREADS),
            "RATE": str(rate or ""),
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=args.seconds + 60,
    ).stdout


def wrk_result(out: str) -> tuple[int, int, dict[str, str]]:
    """Completed requests, answers other than 2xx/3xx, and the p50/p90/p99 latencies."""
    completed = int(re.search(r"completed=(\d+)", out).group(1))  # type: ignore[union-attr]
    status_errors = int(re.search(r"status_errors=(\d+)", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|90|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    return completed, status_errors, latency


def ceiling_run(env: dict[str, str], args: argparse.Namespace, wrk: str) -> dict[str, object]:
    """The same server, workers and database serving a bare Django view that validates
    the same fields and INSERTs one row (bench/ceiling_urls.py): what signing is
    measured against, since this machine's speed drifts from hour to hour."""
    env = {**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling_settings"}
    serial = "SERIAL" if args.database == "postgres" else "INTEGER"
    code = (
        "import django; django.setup(); from django.db import connection; "
        "from bench.ceiling_urls import TABLE; "
        f"connection.cursor().execute(TABLE.format(serial={serial!r}))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    server, base = start_server(env, args)
    try:
        wait_until_up(f"{base}/up/")
        time.sleep(1)
        out = run_wrk(wrk, f"{base}/sign/", args, token="bench", origin=base)
        time.sleep(1)
    finally:
        stop_server(server)
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('SELECT COUNT(*) FROM bench_ceiling'); "
        "print(c.fetchone()[0])"
    )
    stored = int(
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    completed, status_errors, latency = wrk_result(out)
    print(out)
    return {
        "inserts_per_second": round(completed / args.seconds, 1),
        "latency": latency,
        "non_2xx_3xx": status_errors,
        "stored_rows": stored,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--rate",
        type=int,
        default=0,
        help="signatures a second to send (paced); by default as fast as the server answers",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--no-worker", action="store_true", help="web only (no worker, no scheduler)"
    )
    parser.add_argument("--no-ceiling", action="store_true", help="skip the bare-view ceiling run")
    parser.add_argument(
        "--kill", action="store_true", help="SIGKILL a web worker and the task worker halfway"
    )
    parser.add_argument(
        "--sink",
        action="store_true",
        help="send the confirmations to a local mail server and time their arrival",
    )
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="solidaria-sign-") as tmp:
        env = environment(Path(tmp), 10)
        env["BEHIND_TLS_PROXY"] = "true"
        env["EMAIL_URL"] = "dummymail://"
        sink = None
        log = Path(tmp) / "sink.log"
        if args.sink:
            sink_port = free_port()
            log.touch()
            env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink_port}"
            sink = subprocess.Popen(
                [sys.executable, str(ROOT / "bench" / "smtpsink.py"), str(sink_port), str(log)],
                stdout=subprocess.PIPE,
                start_new_session=True,
            )
            assert sink.stdout is not None and sink.stdout.readline().strip() == b"ready"
        if args.database == "postgres":
            env["DATABASE_URL"] = fresh_postgres("solidaria_bench")
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        manage(env, "bootstrap", "--no-login")
        ceiling = None
        if not args.no_ceiling:
            ceiling = ceiling_run(env, args, wrk)
        token = form_token(env)
        server, base = start_server(env, args)
        try:
            wait_until_up(f"{base}/en/petitions/{PETITION}/")
            time.sleep(1)
            before = count_signatures(env)
            timer = kill_midway(server.pid, args.seconds / 2) if args.kill else None
            out = run_wrk(
                wrk,
                f"{base}/en/petitions/{PETITION}/sign/",
                args,
                token=token,
                origin=base,
                rate=args.rate,
            )
            surge_end = time.time()
            time.sleep(1)
            if timer is not None:
                timer.cancel()
            after = count_signatures(env)
            drain_seconds, still_owed = (
                (None, 0) if args.no_worker else wait_for_confirmations(env, timeout=300)
            )
            mail = wait_for_mail(env, log, surge_end=surge_end, timeout=300) if sink else None
        finally:
            stop_server(server)
            if sink is not None:
                os.killpg(sink.pid, signal.SIGTERM)
                sink.wait(timeout=30)

    completed, status_errors, latency = wrk_result(out)
    stored = sum(after.values()) - sum(before.values())
    result = {
        "database": args.database,
        "seconds": args.seconds,
        "connections": args.connections,
        "paced_rate": args.rate or None,
        "workers": args.workers,
        "with_worker": not args.no_worker,
        "killed_midway": args.kill,
        "signatures_per_second": round(completed / args.seconds, 1),
        "latency": latency,
        "completed_requests": completed,
        "non_2xx_3xx": status_errors,
        "stored_signatures": stored,
        "stored_by_status": {k: after.get(k, 0) - before.get(k, 0) for k in after},
        # Answered 2xx/3xx without a stored row. The opposite (stored, but wrk
        # stopped before reading the answer) is at most one per connection.
        "lost": max(0, completed - status_errors - stored),
        "stored_after_wrk_stopped_reading": max(0, stored - (completed - status_errors)),
        "confirmation_emails_all_queued_after_seconds": drain_seconds,
        "confirmation_emails_not_queued_300_s_after": still_owed,
    }
    if mail is not None:
        result["confirmation_emails"] = mail
    if ceiling is not None:
        result["ceiling"] = ceiling
        result["share_of_ceiling"] = round(
            result["signatures_per_second"] / ceiling["inserts_per_second"], 2
        )
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"sign-{args.database}.json").write_text(
        json.dumps(result, indent=2)
    )
    print(out)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
