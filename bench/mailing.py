#!/usr/bin/env python
"""A mailing to many people, whole platform running (`make bench-mailing`).

On a fresh database holding the demo, --people supporters who agreed to hear
from the demo's first organisation, in five languages, get a mailing written
in five languages. The platform runs as `manage.py serve` starts it (web, task
worker, scheduler) with the production settings, sending to a local mail
server in its own process (bench/smtpsink.py) that notes each arrival.

Measured: seconds from pressing "send" until every message reached the sink,
messages a second, the task worker's peak memory (VmHWM, the highest of its
processes), and how many people got nothing or more than one message. --kill N
SIGKILLs the task worker N times while it sends (`serve` starts a new one).

Targets (issue 14): 100,000 messages in < 3 minutes (>= 555/s); worker memory
the same at 10,000 and 100,000; with the worker killed twice, each person
exactly one message.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, environment, free_port, fresh_postgres, manage
from sign import children

FILL = """
import django, sys, time
django.setup()
from django.utils import timezone
from solidaria.core.privacy import pii
from solidaria.mailing.models import Mailing, SendingLimit
from solidaria.mailing.services import mailing_cancel, mailing_save
from solidaria.organisations.models import Organisation
from solidaria.supporters.models import OrganisationSupporter, Supporter
organisation = Organisation.objects.get(slug="left-voice")
# The demo's own mailing, not yet sent, would go to everyone below as well.
for waiting in Mailing.objects.filter(status__in=["scheduled", "approval", "draft"]):
    mailing_cancel(mailing=waiting, actor=None)
total = int(sys.argv[1])
languages = ["es", "en", "pt", "fr", "de"]
now = timezone.now()
made = 0
while made < total:
    n = min(5000, total - made)
    people = [
        Supporter(
            email_index=pii.email_index(f"m{i}@example.org"), email=f"m{i}@example.org",
            name=f"Person{i} Example", language=languages[i % 5], country="AR",
        )
        for i in range(made, made + n)
    ]
    Supporter.objects.bulk_create(people)
    OrganisationSupporter.objects.bulk_create([
        OrganisationSupporter(organisation=organisation, supporter=p, first_seen=now,
                              last_action_at=now, actions=1, consent_since=now)
        for p in people
    ])
    made += n
SendingLimit.objects.update_or_create(
    organisation=organisation, defaults={"per_second": 5000, "per_hour": 10_000_000}
)
text = "Hola {first_name},\\n\\n**{organisation}** escribe. [Tus datos]({my_data_link})\\n\\n" * 3
mailing = mailing_save(mailing=Mailing(
    organisation=organisation,
    subject={code: f"[{code}] Noticias para {{first_name}}" for code in languages},
    body={code: f"[{code}] " + text for code in languages},
), actor=None)
print(mailing.pk)
"""

COUNT = """
import django, json, sys
django.setup()
from django.db.models import Count
from solidaria.core.models import OutgoingEmail
from solidaria.mailing.models import Recipient
recipients = Recipient.objects.filter(mailing_id=int(sys.argv[1]))
print(json.dumps({
    "recipients": recipients.count(),
    "by_status": dict(recipients.values_list("status").annotate(n=Count("pk"))),
    "messages": dict(OutgoingEmail.objects.filter(template="mailing").values_list("status")
                     .annotate(n=Count("pk"))),
}))
"""

TRACE = """
import django, json, sys
django.setup()
from django.db.models import Count
from solidaria.core.models import OutgoingEmail
from solidaria.mailing.models import Recipient
print(dict(Recipient.objects.filter(mailing_id=int(sys.argv[1])).values_list("status")
           .annotate(n=Count("pk"))),
      dict(OutgoingEmail.objects.filter(template="mailing").values_list("status")
           .annotate(n=Count("pk"))))
"""

SEND = """
import django, sys
django.setup()
from solidaria.mailing.models import Mailing
from solidaria.mailing.services import mailing_send
mailing_send(mailing=Mailing.objects.get(pk=int(sys.argv[1])), actor=None)
"""


def python(env: dict[str, str], code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return done.stdout.strip()


def worker_pids(serve_pid: int) -> list[int]:
    return [pid for pid, cmdline in children(serve_pid) if "db_worker" in cmdline]


def peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def arrivals(log: Path, wanted: set[str]) -> list[tuple[float, str]]:
    found = []
    for line in log.read_text().splitlines():
        at, recipients = line.split("\t")
        for recipient in recipients.split(","):
            if recipient in wanted:
                found.append((float(at), recipient))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--kill", type=int, default=0, help="SIGKILL the task worker N times")
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--trace", action="store_true", help="print the queues every second")
    args = parser.parse_args()
    wanted = {f"m{i}@example.org" for i in range(args.people)}
    with tempfile.TemporaryDirectory(prefix="solidaria-mailing-") as tmp:
        env = environment(Path(tmp), 10)
        sink_port = free_port()
        log = Path(tmp) / "sink.log"
        log.touch()
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink_port}"
        if args.database == "postgres":
            env["DATABASE_URL"] = fresh_postgres("solidaria_bench_mailing")
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        manage(env, "bootstrap", "--no-login")
        mailing_id = python(env, FILL, str(args.people))
        sink = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "smtpsink.py"), str(sink_port), str(log)],
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        assert sink.stdout is not None and sink.stdout.readline().strip() == b"ready"
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        peak = 0
        kills: list[float] = []
        try:
            time.sleep(3)  # the platform starts
            start = time.time()
            python(env, SEND, mailing_id)
            kill_at = [args.people * (k + 1) // (args.kill + 1) for k in range(args.kill)]
            done_at = None
            while time.time() - start < args.timeout:
                for pid in worker_pids(server.pid):
                    peak = max(peak, peak_kib(pid))
                if args.trace:
                    print(
                        round(time.time() - start, 1),
                        python(env, TRACE, mailing_id),
                        len(log.read_text().splitlines()),
                        file=sys.stderr,
                    )
                arrived = len(arrivals(log, wanted)) if kill_at or done_at is None else 0
                if kill_at and arrived >= kill_at[0]:
                    kill_at.pop(0)
                    for pid in worker_pids(server.pid):
                        os.kill(pid, signal.SIGKILL)
                        kills.append(round(time.time() - start, 1))
                        print(f"killed the task worker ({pid}) at {arrived}", file=sys.stderr)
                if len({r for _at, r in arrivals(log, wanted)}) >= args.people:
                    done_at = time.time()
                    break
                time.sleep(1)
            # Whatever a killed worker left half-sent comes back with the stalled sweep.
            time.sleep(2)
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=60)
            os.killpg(sink.pid, signal.SIGTERM)
            sink.wait(timeout=30)
        got = arrivals(log, wanted)
        queued = json.loads(python(env, COUNT, mailing_id))
    per_person = Counter(recipient for _at, recipient in got)
    last = max((at for at, _r in got), default=start)
    seconds = round((done_at or last) - start, 1)
    result = {
        "database": args.database,
        "people": args.people,
        "delivered_messages": len(got),
        "people_reached": len(per_person),
        "people_missing": args.people - len(per_person),
        "people_with_more_than_one": sum(1 for n in per_person.values() if n > 1),
        "seconds_to_last_arrival": seconds,
        "messages_per_second": round(len(per_person) / seconds, 1) if seconds else None,
        "worker_peak_rss_mb": round(peak / 1024, 1),
        "worker_killed_at_seconds": kills,
        "database_rows": queued,
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    name = f"mailing-{args.database}-{args.people}{'-killed' if args.kill else ''}.json"
    (ROOT / "bench" / "results" / name).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
