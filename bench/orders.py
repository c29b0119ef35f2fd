#!/usr/bin/env python
"""Ordering benchmark (`make bench-orders`): a buying round with 200 products under wrk.

Starts the whole platform as `manage.py serve` does (granian, task worker,
scheduler) with the production settings on a fresh database holding the demo,
after raising the demo round to --products items across the demo cooperatives
(--limited of them limited to --limit each, far less than will be ordered; the
rest unlimited). Then:

- the directory (/en/cooperatives/) and the round page, anonymous, from the page
  cache: requests/s with 32 connections for --page-seconds each (as bench/run.py
  measures the campaign page);
- orders POSTed with wrk for --seconds from --connections connections, each 1 to 3
  random items, 1 to 3 of each, at the prices shown, for a pickup point, with a
  new address and a random client address (bench/orders.lua).

A redirect to the "ordered" page is an accepted order; a refusal because an item
sold out (409, or 400 with the field error saying so) is an honest one; anything
else is an error. Afterwards, once every order has been followed up (counted
in its cooperatives' totals with its audit entry, and its buyer's email queued,
which during the rush goes as a trickle: the scheduler's `follow_up_orders`, every
2 s; how long each took is reported), the database is checked: every accepted order stored
once, no item sold past its limit, each item's `sold` equal to the quantities of
its active order lines, and the kept totals (the round's, each cooperative's, each
order's) equal to the sums of what was stored.

Target (issue 16): ≥ 300 orders/s, 0 oversold, 0 lost; pages ≥ 2,000 req/s.

--database postgres uses the machine's PostgreSQL (127.0.0.1:5432, database
solidaria_bench, created if missing). Loopback only; every run is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, environment, fresh_postgres, manage, wait_until_up, wrk
from sign import WRK_THREADS, start_server, stop_server, wrk_result

DIRECTORY = "/en/cooperatives/"
PAGE_CONNECTIONS = 32

# Raises the demo round to `products` items, new products spread over the demo
# cooperatives that are not closed; limits `limited` of them, spread over the list,
# to `limit` each and leaves the rest unlimited. Prints what the orders need.
SETUP = """
import django, json, sys
django.setup()
from django.db import transaction
from solidaria.cooperatives.forms import order_token_scope
from solidaria.cooperatives.models import Cooperative, PickupPoint, Product, Round, RoundItem
from solidaria.core.web.formguard import form_token
from solidaria.demo.cooperative_content import ROUND

products, limited, limit = (int(a) for a in sys.argv[1:4])
round = Round.objects.get(slug=ROUND["slug"])
cooperatives = list(
    Cooperative.objects.exclude(status=Cooperative.Status.CLOSED).order_by("pk")
)
with transaction.atomic():
    position = max(round.items.values_list("position", flat=True), default=0)
    for n in range(round.items.count(), products):
        product = Product.objects.create(
            cooperative=cooperatives[n % len(cooperatives)],
            name={"es": f"Producto de prueba {n}", "en": f"Bench product {n}",
                  "de": f"Testprodukt {n}"},
            unit={"es": "una unidad", "en": "one item", "de": "ein Stück"},
            reference_price_minor=150000 + n * 100,
            weight_grams=500,
            position=1000 + n,
        )
        position += 1
        RoundItem.objects.create(
            round=round, product=product, price_minor=300 + (n * 37) % 3000, position=position
        )
    items = list(
        round.items.select_related("product").prefetch_related("product__variants")
        .order_by("position", "pk")
    )
    every = max(1, len(items) // limited) if limited else 0
    for place, item in enumerate(items):
        chosen = every and place % every == 0 and place // every < limited
        item.max_quantity = limit if chosen else None
    RoundItem.objects.bulk_update(items, ["max_quantity"])
orderable = []
for item in items:
    variants = [v.pk for v in item.product.variants.all() if v.available]
    if item.product.available and (variants or not item.product.variants.all()):
        orderable.append([item.pk, item.price_minor, variants])
print(json.dumps({
    "slug": round.slug,
    "currency": round.currency,
    "country": str(round.country),
    "shipping_fee_minor": round.shipping_fee_minor,
    "token": form_token(order_token_scope(round)),
    "pickup_points": list(PickupPoint.objects.filter(round=round).values_list("pk", flat=True)),
    "items": len(items),
    "limited": sum(1 for item in items if item.max_quantity is not None),
    "orderable": orderable,
}))
"""

# The last order stored before the load.
BEFORE = """
import django, json, sys
django.setup()
from django.db.models import Max
from solidaria.cooperatives.models import Order
print(json.dumps(Order.objects.filter(round__slug=sys.argv[1]).aggregate(n=Max("pk"))["n"] or 0))
"""

# What is still owed after the orders (ordering.orders_follow_up), and the order
# emails queued so far.
OWED = """
import django, json, sys
django.setup()
from solidaria.core.models import OutgoingEmail
from solidaria.cooperatives.models import Order
print(json.dumps({
    "owed": Order.objects.filter(follow_up_owed=True).count(),
    "emails_owed": Order.objects.filter(email_owed=True).count(),
    "emails": OutgoingEmail.objects.filter(template="cooperatives_order_placed").count(),
}))
"""
# How long the follow-up may take after the load before the check runs anyway.
FOLLOW_UP_WAIT = 300

# What the database holds after the load, checked against itself.
CHECK = """
import django, json, sys
django.setup()
from collections import defaultdict
from django.db.models import F, Sum
from solidaria.cooperatives.models import Order, OrderLine, Round, RoundItem, RoundSupplier

round = Round.objects.get(slug=sys.argv[1])
last_before = int(sys.argv[2])
orders = Order.objects.filter(round=round)
new = orders.filter(pk__gt=last_before)
active = orders.exclude(status=Order.Status.CANCELLED)
lines = OrderLine.objects.filter(order__in=active)
by_item = dict(lines.values("item").annotate(n=Sum("quantity")).values_list("item", "n"))
items = list(RoundItem.objects.filter(round=round))
limited = [item for item in items if item.max_quantity is not None]
by_cooperative = defaultdict(lambda: [0, 0])
for cooperative, quantity, minor in lines.values_list(
    "item__product__cooperative", "quantity", F("quantity") * F("unit_price_minor")
):
    by_cooperative[cooperative][0] += quantity
    by_cooperative[cooperative][1] += minor
suppliers = {
    row.cooperative_id: [row.quantity, row.ordered_minor]
    for row in RoundSupplier.objects.filter(round=round)
}
orders_minor = active.aggregate(n=Sum("items_minor"))["n"] or 0
lines_minor = lines.aggregate(n=Sum(F("quantity") * F("unit_price_minor")))["n"] or 0
order_not_its_lines = (
    active.annotate(lines_minor=Sum(F("lines__quantity") * F("lines__unit_price_minor")))
    .exclude(items_minor=F("lines_minor"))
    .count()
)
kept = {
    "round_ordered_minor": round.ordered_minor,
    "sum_of_orders_minor": orders_minor,
    "sum_of_lines_minor": lines_minor,
    "round_orders_count": round.orders_count,
    "active_orders": active.count(),
    "round_cooperatives_count": round.cooperatives_count,
    "cooperatives_ordered_from": sum(1 for q, _ in by_cooperative.values() if q > 0),
    "orders_not_equal_to_their_lines": order_not_its_lines,
    "suppliers_not_equal_to_their_lines": sum(
        1
        for cooperative in set(by_cooperative) | set(suppliers)
        if suppliers.get(cooperative, [0, 0]) != by_cooperative.get(cooperative, [0, 0])
    ),
}
print(json.dumps({
    "stored": new.count(),
    "stored_distinct_addresses": new.values("email_index").distinct().count(),
    "oversold_items": sum(1 for item in limited if item.sold > item.max_quantity),
    "items_sold_not_equal_to_lines": sum(
        1 for item in items if item.sold != by_item.get(item.pk, 0)
    ),
    "limited_items_sold_out": sum(1 for item in limited if item.sold == item.max_quantity),
    "limited_units_sold": sum(item.sold for item in limited),
    "limited_units_offered": sum(item.max_quantity for item in limited),
    "units_sold": sum(item.sold for item in items),
    "kept_totals": kept,
    "totals_consistent": (
        round.ordered_minor == orders_minor == lines_minor
        and round.orders_count == kept["active_orders"]
        and round.cooperatives_count == kept["cooperatives_ordered_from"]
        and order_not_its_lines == 0
        and kept["suppliers_not_equal_to_their_lines"] == 0
    ),
}))
"""


def cpu_seconds_by_part(session: int) -> dict[str, float]:
    """CPU seconds used so far by each part of the platform started in `session`
    (web, worker, scheduler), from /proc: where the machine's two cores go."""
    ticks = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) != session:  # the session id (fields after the name: from 3)
            continue
        part = (
            "worker"
            if "db_worker" in command
            else "scheduler"
            if "scheduler" in command
            else "web"
            if "granian" in command
            else "serve"
        )
        used[part] = used.get(part, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return used


def django_json(env: dict[str, str], code: str, *args: object) -> object:
    """Runs `code` with Django set up on the benchmark's database; its printed JSON."""
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def page_bytes(url: str) -> dict[str, int]:
    """The page's size as sent (gzip, if the server compresses) and as read."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        gzipped = response.headers.get("Content-Encoding") == "gzip"
    with urllib.request.urlopen(url, timeout=10) as response:
        plain = response.read()
    return {"sent_bytes": len(body), "html_bytes": len(plain), "gzip": gzipped}


def pages_run(base: str, slug: str, seconds: int) -> dict[str, object]:
    """The directory and the round page, anonymous, with the page cache: as bench/run.py."""
    results: dict[str, object] = {}
    for label, path in (("directory", DIRECTORY), ("round", f"/en/rounds/{slug}/")):
        url = base + path
        wrk(url, connections=8, threads=1, seconds=2)  # warm every worker
        results[label] = {
            "path": path,
            **page_bytes(url),
            **wrk(url, connections=PAGE_CONNECTIONS, threads=2, seconds=seconds),
        }
    return results


def orders_wrk(
    wrk_bin: str, url: str, args: argparse.Namespace, *, shop: dict, items_file: Path, origin: str
) -> str:
    fixed = urlencode(
        {
            "p_shipping": shop["shipping_fee_minor"] or "",
            "delivery": "pickup",
            "address": "",
            "postcode": "",
            "city": "",
            "country": shop["country"],
            "name": "Bench Buyer",
            "currency": shop["currency"],
            "form_token": shop["token"],
            "website": "",
        }
    )
    return subprocess.run(
        [
            wrk_bin,
            f"-t{WRK_THREADS}",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "orders.lua"),
            url,
        ],
        env={
            **os.environ,
            "ORIGIN": origin,
            "FIXED": fixed,
            "ITEMS_FILE": str(items_file),
            "PICKUP_POINTS": ",".join(map(str, shop["pickup_points"])),
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=args.seconds + 60,
    ).stdout


def answers(out: str) -> dict[str, int]:
    line = re.search(r"^ANSWERS (.*)$", out, re.M)
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line.group(1))}  # type: ignore[union-attr]


def socket_errors(out: str) -> dict[str, int]:
    line = re.search(r"^RESULT (.*)$", out, re.M)
    found = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line.group(1))}  # type: ignore[union-attr]
    return {k: found[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--page-seconds", type=int, default=10)
    parser.add_argument("--products", type=int, default=200, help="items in the round")
    parser.add_argument("--limited", type=int, default=20, help="items with a maximum quantity")
    parser.add_argument("--limit", type=int, default=100, help="the limited items' maximum")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--no-worker", action="store_true", help="web only (no worker, no scheduler)"
    )
    args = parser.parse_args()
    wrk_bin = shutil.which("wrk")
    if not wrk_bin:
        sys.exit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="solidaria-orders-") as tmp:
        env = environment(Path(tmp), 10)
        env["BEHIND_TLS_PROXY"] = "true"
        env["EMAIL_URL"] = "dummymail://"
        if args.database == "postgres":
            env["DATABASE_URL"] = fresh_postgres("solidaria_bench")
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        manage(env, "bootstrap", "--no-login")
        shop = django_json(env, SETUP, args.products, args.limited, args.limit)
        assert isinstance(shop, dict)
        items_file = Path(tmp) / "items.txt"
        items_file.write_text(
            "".join(
                f"{item} {price} {','.join(map(str, variants)) or '-'}\n"
                for item, price, variants in shop["orderable"]
            )
        )
        round_path = f"/en/rounds/{shop['slug']}/"
        server, base = start_server(env, args)
        try:
            wait_until_up(base + round_path)
            time.sleep(1)
            pages = pages_run(base, shop["slug"], args.page_seconds)
            last_before = django_json(env, BEFORE, shop["slug"])
            emails_before = django_json(env, OWED)["emails"]  # type: ignore[index]
            cpu_before = cpu_seconds_by_part(server.pid)
            wrk_before = os.times()
            out = orders_wrk(
                wrk_bin,
                f"{base}{round_path}order/",
                args,
                shop=shop,
                items_file=items_file,
                origin=base,
            )
            stopped = time.monotonic()
            cpu_after = cpu_seconds_by_part(server.pid)
            wrk_after = os.times()
            counted_seconds = None
            while True:
                owed = django_json(env, OWED)
                assert isinstance(owed, dict)
                if not owed["owed"] and counted_seconds is None:
                    counted_seconds = time.monotonic() - stopped
                if not (owed["owed"] or owed["emails_owed"]):
                    break
                if time.monotonic() - stopped > FOLLOW_UP_WAIT:
                    break
                time.sleep(0.5)
            follow_up_seconds = time.monotonic() - stopped
            check = django_json(env, CHECK, shop["slug"], last_before)
        finally:
            stop_server(server)
    assert isinstance(check, dict)

    completed, _status_errors, latency = wrk_result(out)
    said = answers(out)
    broken = socket_errors(out)
    accepted = said["accepted"]
    stored = check["stored"]
    errors = {
        "redirect_elsewhere": said["other_redirect"],
        "409_not_sold_out": said["other_409"],
        "400_not_sold_out": said["other_400"],
        "5xx": said["server_errors"],
        "other_status": said["other_status"],
        **broken,
    }
    first_400 = re.search(r"^FIRST_OTHER_400 (.*)$", out, re.M)
    result = {
        "database": args.database,
        "seconds": args.seconds,
        "connections": args.connections,
        "workers": args.workers,
        "with_worker": not args.no_worker,
        "items": shop["items"],
        "limited_items": shop["limited"],
        "limit": args.limit,
        "orders_per_second": round(accepted / args.seconds, 1),
        "requests_per_second": round(completed / args.seconds, 1),
        "latency": latency,
        "completed_requests": completed,
        "accepted": accepted,
        "sold_out_refusals": said["sold_out_409"] + said["sold_out_400"],
        "sold_out_refusals_by_status": {"409": said["sold_out_409"], "400": said["sold_out_400"]},
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "first_other_400": first_400.group(1) if first_400 else None,
        "stored_orders": stored,
        # After wrk stopped: until every order was counted (totals, audit entry), and
        # until every buyer's email was queued (a trickle during the rush).
        "counted_after_seconds": round(counted_seconds, 1) if counted_seconds is not None else None,
        "follow_up_done_after_seconds": round(follow_up_seconds, 1),
        "follow_up_still_owed": owed["owed"],
        "emails_still_owed": owed["emails_owed"],
        "order_emails_queued": owed["emails"] - emails_before,
        # Accepted without a stored order. The opposite (stored, but wrk stopped
        # before reading the answer) is at most one per connection.
        "lost": max(0, accepted - stored),
        "stored_after_wrk_stopped_reading": max(0, stored - accepted),
        "stored_more_than_once": stored - check["stored_distinct_addresses"],
        "oversold": check["oversold_items"],
        "items_sold_not_equal_to_lines": check["items_sold_not_equal_to_lines"],
        "limited_items_sold_out": check["limited_items_sold_out"],
        "limited_units_sold": check["limited_units_sold"],
        "limited_units_offered": check["limited_units_offered"],
        "units_sold": check["units_sold"],
        "totals_consistent": check["totals_consistent"],
        "kept_totals": check["kept_totals"],
        # Cores each part kept busy while wrk ran (wrk and the checks are children
        # of this script), of os.cpu_count().
        "cores_used": {
            **{
                part: round((cpu_after.get(part, 0) - cpu_before.get(part, 0)) / args.seconds, 2)
                for part in sorted(cpu_after)
            },
            "wrk": round(
                (
                    wrk_after.children_user
                    + wrk_after.children_system
                    - wrk_before.children_user
                    - wrk_before.children_system
                )
                / args.seconds,
                2,
            ),
        },
        "pages": pages,
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"orders-{args.database}.json").write_text(
        json.dumps(result, indent=2)
    )
    print(out)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
