#!/usr/bin/env python
"""An organisation with 1,000,000 people and 3,000,000 actions (`make bench-people`).

Fills a fresh database holding the demo with supporters (valid ciphertexts: a
pool of names and addresses is encrypted anew for every row, as the fields do)
who each signed the demo petition, registered for the panel and gave to the
fund, all known to the petition's organisation, half of them agreeing to hear
from it. Then, in one process with the production settings:

- the organisers' list of people (server time of the admin page, p50 of 15):
  the first page, a deep page, filtered by what they took part in;
- a search by exact address, through the blind index;
- the live count of a segment (agreed and signed the petition);
- the CSV export of 10,000 and of all of them, each in its own process: peak
  memory (RSS) must not grow with size.

Targets (issue 13): list p50 < 100 ms, exact search < 20 ms, segment count < 1 s,
export memory flat. --database postgres uses the machine's PostgreSQL.
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
from run import ROOT, environment, fresh_postgres, manage

FILL = """
import django, random, secrets, sys, time
django.setup()
from datetime import timedelta
from django.utils import timezone
from solidaria.core.privacy import pii
from solidaria.events.models import Event, Rsvp
from solidaria.fundraising.models import Donation, Fund
from solidaria.petitions.models import Petition, Signature
from solidaria.supporters.models import OrganisationSupporter, Supporter
petition = Petition.objects.select_related("campaign").get(slug="drop-the-charges")
organisation_id = petition.campaign.owner_id
event = Event.objects.get(slug="panel-general-strike")
fund = Fund.objects.order_by("pk").first()
total = int(sys.argv[1])
names = [f"Person {i} Example" for i in range(1000)]
languages = ["es", "en", "pt", "fr", "de"]
countries = ["AR", "BR", "DE", "FR", "US", "MX", "ES", "GB"]
now = timezone.now()
rng = random.Random(7)
made = 0
start = time.time()
while made < total:
    n = min(5000, total - made)
    people = []
    for i in range(made, made + n):
        email = f"p{i}@example.org"
        people.append(Supporter(
            email_index=pii.email_index(email), email=email, name=names[i % 1000],
            language=languages[i % 5], country=countries[i % 8],
        ))
    Supporter.objects.bulk_create(people)
    records, signatures, registrations, gifts = [], [], [], []
    for supporter in people:
        acted = now - timedelta(minutes=rng.randrange(0, 525600))
        records.append(OrganisationSupporter(
            organisation_id=organisation_id, supporter=supporter, first_seen=acted,
            last_action_at=acted, actions=3,
            consent_since=acted if supporter.pk % 2 else None,
        ))
        index = secrets.token_hex(32)
        signatures.append(Signature(
            petition=petition, status="confirmed", email_index=index, email_domain_index="d",
            email=supporter.email, name=supporter.name, country=supporter.country,
            language=supporter.language, confirmation_queued=True, confirmed_at=acted,
            created_at=acted, supporter=supporter,
        ))
        registrations.append(Rsvp(
            event=event, status="confirmed", name=supporter.name, email=supporter.email,
            email_index=index, language=supporter.language, supporter=supporter,
        ))
        gifts.append(Donation(
            fund=fund, method="bank", status="succeeded", amount_minor=1000, currency="USD",
            name=supporter.name, email=supporter.email, email_index=index,
            language=supporter.language, succeeded_at=acted, supporter=supporter,
        ))
    OrganisationSupporter.objects.bulk_create(records)
    Signature.objects.bulk_create(signatures)
    Rsvp.objects.bulk_create(registrations)
    Donation.objects.bulk_create(gifts)
    made += n
print(f"filled {made} people and {3 * made} actions in {time.time() - start:.0f}s", file=sys.stderr)
"""

MEASURE = """
import django, json, statistics, sys, time
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings
from solidaria.organisations.models import Membership
from solidaria.petitions.models import Petition
from solidaria.supporters.models import Segment
from solidaria.supporters.selectors import segment_people
petition = Petition.objects.select_related("campaign").get(slug="drop-the-charges")
organisation = petition.campaign.owner
user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": "owner"})
client = Client()
client.force_login(user)
url = "/admin/supporters/organisationsupporter/"
org = f"organisation={organisation.pk}"

def p50(path, runs=15):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return round(statistics.median(times), 1)

with override_settings(OTP_REQUIRED=False, ALLOWED_HOSTS=["testserver"]):
    client.get(url)  # warm up
    result = {
        "list_first_page_p50_ms": p50(f"{url}?{org}"),
        "list_page_100_p50_ms": p50(f"{url}?{org}&p={min(100, int(sys.argv[1]) // 50 - 1)}"),
        "list_took_part_p50_ms": p50(f"{url}?{org}&took_part=petitions:{petition.pk}"),
        "exact_email_search_p50_ms": p50(f"{url}?{org}&q=p{int(sys.argv[1]) // 2}@example.org"),
    }
    segment, _ = Segment.objects.get_or_create(
        organisation=organisation, name="bench",
        defaults={"criteria": {"agreed": "yes", "took_part": f"petitions:{petition.pk}"}},
    )
    times = []
    for _ in range(3):
        start = time.perf_counter()
        count = segment_people(segment).count()
        times.append(time.perf_counter() - start)
    result["segment_count"] = count
    result["segment_count_seconds"] = round(min(times), 3)
    # The lookup alone, without the console page around it (whose own floor, the
    # admin's menu and filters, is measured by the first page above).
    from solidaria.core.privacy import pii
    from solidaria.supporters.models import OrganisationSupporter, Supporter
    times = []
    for i in range(15):
        start = time.perf_counter()
        ids = list(Supporter.objects.filter(
            email_index__in=pii.email_indexes(f"p{i * 1000}@example.org")
        ).values_list("pk", flat=True))
        found = list(OrganisationSupporter.objects.filter(
            organisation=organisation, supporter_id__in=ids
        ).select_related("supporter"))
        times.append((time.perf_counter() - start) * 1000)
        assert len(found) == 1
    result["exact_email_lookup_p50_ms"] = round(statistics.median(times), 2)
print(json.dumps(result))
"""

EXPORT = """
import django, resource, sys, time
django.setup()
from solidaria.core.rendering.csvstream import csv_lines
from solidaria.petitions.models import Petition
from solidaria.supporters.admin_people import EXPORT_HEADER, _export_rows
from solidaria.supporters.models import OrganisationSupporter
organisation_id = Petition.objects.get(slug="drop-the-charges").campaign.owner_id
limit = int(sys.argv[1])
people = OrganisationSupporter.objects.filter(organisation_id=organisation_id).select_related(
    "supporter", "organisation").order_by("pk")[:limit]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.time()
rows = size = 0
for line in csv_lines(EXPORT_HEADER, _export_rows(people)):
    rows += 1
    size += len(line)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{rows - 1} {size} {time.time() - start:.2f} {before} {peak}")
"""


def python(env: dict[str, str], code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    print(done.stderr, end="", file=sys.stderr)
    return done.stdout.strip()


def export(env: dict[str, str], limit: int) -> dict[str, float]:
    rows, size, seconds, before, peak = python(env, EXPORT, str(limit)).split()
    return {
        "rows": int(rows),
        "megabytes": round(int(size) / 1e6, 1),
        "seconds": float(seconds),
        "rss_before_mb": round(int(before) / 1024, 1),
        "peak_rss_mb": round(int(peak) / 1024, 1),
    }


def prepare(env: dict[str, str], database: str, people: int) -> None:
    """Migrates a fresh database, loads the demo and fills it with people."""
    if database == "postgres":
        env["DATABASE_URL"] = fresh_postgres("solidaria_bench_people")
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    manage(env, "bootstrap", "--no-login")
    python(env, FILL, str(people))
    if database == "postgres":
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "solidaria_bench_people",
             "-c", "ANALYZE"],
            check=True, capture_output=True,
        )  # fmt: skip


def measure(env: dict[str, str], database: str, people: int) -> dict[str, object]:
    result: dict[str, object] = {"database": database, "people": people}
    result.update(json.loads(python(env, MEASURE, str(people))))
    result["export_10k"] = export(env, 10_000)
    result["export_all"] = export(env, people + 100)
    return result


def kept_environment(keep: Path, database: str, people: int) -> tuple[dict[str, str], bool]:
    """The environment of a filled database kept in `keep` between runs.

    Filling a million people takes a quarter of an hour; while the list is being
    tuned, `--keep DIR` fills once and measures again and again. The keys are kept
    beside the database, since its ciphertexts and blind indexes depend on them.
    """
    keep.mkdir(parents=True, exist_ok=True)
    env = environment(keep, 0)
    saved = keep / f"environment-{database}-{people}.json"
    if saved.exists():
        env.update(json.loads(saved.read_text()))
        return env, True
    names = ("SECRET_KEY", "PII_KEY", "SOLIDARIA_VAR_DIR")
    if database == "postgres":
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/solidaria_bench_people"
        names += ("DATABASE_URL",)
    (keep / "solidaria.sqlite3").unlink(missing_ok=True)
    prepare(env, database, people)
    saved.write_text(json.dumps({name: env[name] for name in names}))
    return env, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--keep", type=Path, help="fill the database once in this folder and reuse it"
    )
    args = parser.parse_args()
    if args.keep:
        env, _ = kept_environment(args.keep.resolve(), args.database, args.people)
        result = measure(env, args.database, args.people)
    else:
        with tempfile.TemporaryDirectory(prefix="solidaria-people-") as tmp:
            env = environment(Path(tmp), 0)
            prepare(env, args.database, args.people)
            result = measure(env, args.database, args.people)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"people-{args.database}.json").write_text(
        json.dumps(result, indent=2)
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
