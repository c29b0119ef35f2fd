#!/usr/bin/env python
"""One petition with 1,000,000 signatures (`make bench-million`).

Fills a petition of the demo with confirmed signatures (valid ciphertexts; a
pool of encrypted names and addresses is reused to keep set-up quick), then:

- times the petition page uncached (server time, one connection) with 10
  signatures and with 1,000,000: counts are read from the count row, so the
  two should be the same;
- streams the CSV export of all rows and reports its peak memory (RSS) and
  time, next to the export of 10,000 rows: memory must not grow with size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, environment, free_port, manage, serve, stop, wait_until_up, wrk

FILL = """
import django, os, secrets, sys, time
django.setup()
from django.db import connection, transaction
from django.utils import timezone
from solidaria.core.privacy import pii
from solidaria.petitions.models import Petition, Signature, CountChange
from solidaria.petitions.services import petition_tick
petition = Petition.objects.get(slug=sys.argv[1])
total = int(sys.argv[2])
names = [f"Signer {i} Example" for i in range(500)]
pool = [(f"s{i}@example.org", names[i]) for i in range(500)]
now = timezone.now()
made = 0
start = time.time()
while made < total:
    batch = []
    for _ in range(min(5000, total - made)):
        email, name = pool[made % 500]
        batch.append(Signature(
            petition=petition, status="confirmed", email_index=secrets.token_hex(32),
            email_domain_index="d", email=email, name=name, country="AR", language="es",
            confirmation_queued=True, confirmed_at=now,
            created_at=now,
        ))
        made += 1
    Signature.objects.bulk_create(batch)
    CountChange.objects.create(petition=petition, delta=len(batch))
petition_tick()
print(f"filled {made} in {time.time() - start:.0f}s", file=sys.stderr)
"""

EXPORT = """
import django, resource, sys, time
django.setup()
from solidaria.petitions.models import Petition
from solidaria.petitions.reports import csv_rows
from solidaria.petitions.selectors import signatures_for_export
petition = Petition.objects.get(slug=sys.argv[1])
limit = int(sys.argv[2])
queryset = signatures_for_export(petition)[:limit]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.time()
rows = 0
size = 0
for line in csv_rows(queryset):
    rows += 1
    size += len(line)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{rows - 1} {size} {time.time() - start:.2f} {before} {peak}")
"""


def python(env: dict[str, str], code: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def page_time(env: dict[str, str], path: str) -> dict[str, float]:
    port = free_port()
    server = serve(env, port, 2)
    try:
        url = f"http://127.0.0.1:{port}{path}"
        wait_until_up(url)
        return wrk(url, connections=1, threads=1, seconds=5)
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=1_000_000)
    args = parser.parse_args()
    slug = "drop-the-charges"
    with tempfile.TemporaryDirectory(prefix="solidaria-million-") as tmp:
        env = environment(Path(tmp), 0)  # no page cache: measure the page itself
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        manage(env, "bootstrap", "--no-login")
        python(env, FILL, slug, "10")
        small = page_time(env, f"/en/petitions/{slug}/")
        small_export = python(env, EXPORT, slug, "10000").split()
        python(env, FILL, slug, str(args.signatures - 10))
        big = page_time(env, f"/en/petitions/{slug}/")
        export_10k = python(env, EXPORT, slug, "10000").split()
        export_all = python(env, EXPORT, slug, str(args.signatures + 10)).split()
        db_size = sum(f.stat().st_size for f in Path(tmp).glob("solidaria.sqlite3*"))
    result = {
        "signatures": args.signatures,
        "page_p50_ms_with_10": small["p50_ms"],
        "page_p50_ms_with_all": big["p50_ms"],
        "page_requests_per_second_one_connection": [
            small["requests_per_second"],
            big["requests_per_second"],
        ],
        "export_10k": {
            "rows": int(export_10k[0]),
            "seconds": float(export_10k[2]),
            "peak_rss_mb": int(export_10k[4]) / 1024,
        },
        "export_all": {
            "rows": int(export_all[0]),
            "megabytes": round(int(export_all[1]) / 1e6, 1),
            "seconds": float(export_all[2]),
            "rss_before_mb": round(int(export_all[3]) / 1024, 1),
            "peak_rss_mb": round(int(export_all[4]) / 1024, 1),
        },
        "database_megabytes": round(db_size / 1e6),
        "small_export_check": small_export[0],
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "million.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
