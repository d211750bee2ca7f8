"""Triage at scale: 1,000,000 reports on SQLite and on PostgreSQL.

    .venv/bin/python bench/triage_queue.py                      # both databases, 1,000,000 reports
    .venv/bin/python bench/triage_queue.py --reports 100000 --databases sqlite --seconds 10

For each database it bulk-loads reports with realistic spreads (categories, areas, flags, statuses over
two years; most reports closed; phone numbers, registrations, postcodes and names drawn from pools so
that deal lines and addresses recur and reports link), then measures, with production settings under
gunicorn (2 sync workers) and a signed-in triage officer (two factors verified):

- the first queue page, and a queue page filtered by category and policing area;
- a report detail page (decryption, linked reports, timeline, and its audit row written);
- the link lookup for a new report (the (kind, digest) query alone, and the whole linking step for a
  new report inside a transaction that is rolled back), timed in-process;
- two baselines from the same server: a plain Django page, and the smallest triage admin page (a one-field
  form inside the Wagtail admin chrome, which every admin page pays for).

Latency is measured with one client at a time (what a member of staff waits for); throughput with wrk
and 4 connections. Targets on 2 cores: queue p95 < 150 ms, link lookup p95 < 20 ms, detail p95 < 250 ms.
Everything listens on 127.0.0.1 and is stopped by process id; the databases are thrown away.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import PYTHON, Client, gunicorn, percentile, postgres, report, sqlite, wrk  # noqa: E402

CATEGORY_WEIGHTS = {
    "dealing": 40,
    "deal_line": 20,
    "cuckooing": 10,
    "child_exploitation": 8,
    "gang": 10,
    "weapons": 7,
    "other": 5,
}
OPEN_STATUSES = [("new", 40), ("assessed", 25), ("assigned", 20), ("actioned", 15)]
DAYS = 730
BATCH = 20_000


# ---------------------------------------------------------------- data generation (runs under Django)


def _pick(rng: random.Random, weights: dict[str, int] | list[tuple[str, int]]):
    items = list(weights.items()) if isinstance(weights, dict) else weights
    return rng.choices([k for k, _ in items], [w for _, w in items])[0]


def generate(total: int, seed: int = 7) -> dict:
    """Bulk-insert `total` reports with identifiers, triage rows and links. Returns facts for the bench."""
    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from beacon.accounts import roles
    from beacon.accounts.middleware import LAST_SEEN_KEY
    from beacon.accounts.models import User
    from beacon.core.demo import seed as seed_areas
    from beacon.core.models import Neighbourhood
    from beacon.reporting import crypto
    from beacon.reporting.models import Report

    begun = time.perf_counter()
    rng = random.Random(seed)
    seed_areas(stdout=open(os.devnull, "w"))  # noqa: SIM115
    roles.roles_sync()
    neighbourhoods = list(Neighbourhood.objects.all())
    districts = [(n.pk, d) for n in neighbourhoods for d in n.postcode_districts]

    # One sealed document, valid for this server's key, reused for every row (sealed boxes decrypt alone).
    document = {
        "version": 1,
        "immediate_danger": False,
        "categories": ["dealing"],
        "where": {"address": "Flat 3, 14 Example Road", "postcode": "NN1 1AF", "description": "Back door"},
        "when": {"kind": "ongoing", "since": "a few weeks", "times": ["evening"]},
        "people": [{"name": "Big Dave", "age": "30s", "description": "red cap", "is_child": False}],
        "vehicles": [
            {"registration": "AB12CDE", "partial": False, "make": "Ford", "model": "Focus", "colour": ""}
        ],
        "phones": ["+447700900123"],
        "handles": [{"platform": "snapchat", "handle": "nv.bench"}],
        "child_involved_answer": "no",
        "child": None,
        "how_known": "saw",
        "how_known_detail": "From my window",
        "details": "Visitors at all hours, short stays. " * 8,
        "contact": None,
    }
    sealed = crypto.seal_json(document)

    # Identifier pools: most values are unique, some recur (deal lines, addresses, cars, nicknames).
    def pool(kind: str, size: int) -> list[str]:
        return [crypto.blind_index(kind, f"{kind}-shared-{i}") for i in range(size)]

    shared_pools = {
        "phone": (0.70, 0.15, pool("phone", max(10, total // 100))),  # 15% of numbers are deal lines
        "vehicle": (0.30, 0.10, pool("vehicle", max(10, total // 200))),
        "postcode": (0.20, 0.50, pool("postcode", max(10, total // 20))),
        "name": (0.30, 0.10, pool("name", max(10, total // 200))),
    }
    now = timezone.now()
    start_id = (Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

    def reference(n: int) -> str:
        chars = []
        for _ in range(8):
            n, r = divmod(n, 32)
            chars.append(alphabet[r])
        code = "".join(reversed(chars))
        return f"{code[:4]}-{code[4:]}"

    print(f"    keys and pools ready in {time.perf_counter() - begun:.1f} s", file=sys.stderr)
    report_rows, identifier_rows, groups = [], [], {}
    triage_linked: set[int] = set()
    for i in range(total):
        pk = start_id + i
        age_days = min(DAYS, int(rng.expovariate(1 / 240)))
        received = now - dt.timedelta(days=age_days, seconds=rng.randrange(86_400))
        is_open = rng.random() < (0.9 if age_days < 14 else 0.03)
        status = _pick(rng, OPEN_STATUSES) if is_open else "closed"
        categories = sorted({_pick(rng, CATEGORY_WEIGHTS) for _ in range(rng.choice([1, 1, 1, 2]))})
        danger = rng.random() < 0.02
        child = "child_exploitation" in categories or rng.random() < 0.05
        neighbourhood_id, district = rng.choice(districts) if rng.random() < 0.9 else (None, "")
        priority = (1000 if danger else 0) + (500 if child else 0)
        report_rows.append(
            (
                pk,
                reference(pk * 7919 + 12345),
                received,
                json.dumps(categories),
                danger,
                child,
                district,
                neighbourhood_id,
                rng.random() < 0.8,
                status,
                priority,
                1,
                sealed,
                "",
                b"",
                b"",
            )
        )
        for kind, (share_of_reports, share_recurring, values) in shared_pools.items():
            if rng.random() >= share_of_reports:
                continue
            if rng.random() < share_recurring:
                digest = rng.choice(values)
                groups.setdefault((kind, digest), []).append(pk)
            else:
                digest = crypto.blind_index(kind, f"{kind}-unique-{pk}")
            identifier_rows.append((pk, kind, digest))

    # Links as submit would have made them: each report to the earlier ones it shares with (capped).
    pairs: dict[tuple[int, int], list] = {}
    for (kind, digest), members in groups.items():
        members = sorted(set(members))
        for index, high in enumerate(members):
            for low in members[max(0, index - 200) : index]:
                pairs.setdefault((low, high), []).append([kind, digest])
                triage_linked.update((low, high))
    link_rows = [(low, high, json.dumps(shared), now) for (low, high), shared in pairs.items()]
    priority_bump = {pk for pk in triage_linked}
    report_rows = [
        row[:10] + (row[10] + (100 if row[0] in priority_bump else 0),) + row[11:] for row in report_rows
    ]
    triage_rows = [(pk, None, True, 0, None, None) for pk in sorted(triage_linked)]

    report_columns = (
        "id, reference, received_at, categories, immediate_danger, child_involved, postcode_district, "
        "neighbourhood_id, anonymous, status, priority, version, sealed, receipt_hash, reader_public_key, "
        "reader_locked_key"
    )
    tables = [
        ("reporting_report", report_columns, report_rows),
        ("reporting_reportidentifier", "report_id, kind, digest", identifier_rows),
        (
            "triage_reporttriage",
            "report_id, assignee_id, linked, risk_adjustment, first_assessed_at, closed_at",
            triage_rows,
        ),
        ("triage_reportlink", "low_id, high_id, shared, created_at", link_rows),
    ]
    print(f"    rows built in {time.perf_counter() - begun:.1f} s", file=sys.stderr)
    started = time.perf_counter()
    for table, columns, rows in tables:
        table_started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns.split(",")))
                    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our own names
                    for offset in range(0, len(rows), BATCH):
                        cursor.executemany(
                            sql,
                            [
                                tuple(
                                    v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
                                    if isinstance(v, dt.datetime)
                                    else v
                                    for v in row
                                )
                                for row in rows[offset : offset + BATCH]
                            ],
                        )
        print(
            f"    {table}: {len(rows):,} rows in {time.perf_counter() - table_started:.1f} s", file=sys.stderr
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('reporting_report', 'id'), (SELECT MAX(id) FROM reporting_report))"
            )
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    load_seconds = time.perf_counter() - started

    # A triage officer signed in with a verified second factor: a session, as the login pages make it.
    user, _ = User.objects.get_or_create(username="bench-officer", defaults={"email": "bench@beacon.invalid"})
    user.groups.set([Group.objects.get(name=roles.TRIAGE_OFFICER)])
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["otp_device_id"] = device.persistent_id
    store[LAST_SEEN_KEY] = int(time.time())
    store.create()

    open_ids = [row[0] for row in report_rows if row[9] != "closed"]
    linked_open = [pk for pk in open_ids if pk in triage_linked]
    area = neighbourhoods[0].area_id
    return {
        "reports": total,
        "identifiers": len(identifier_rows),
        "links": len(link_rows),
        "open": len(open_ids),
        "load_seconds": round(load_seconds, 1),
        "cookie": [settings.SESSION_COOKIE_NAME, store.session_key],
        "detail_ids": rng.sample(linked_open, min(200, len(linked_open)))
        + rng.sample(open_ids, min(200, len(open_ids))),
        "area": area,
        "sample_pairs": [list(group) for group in rng.sample(sorted(groups), min(500, len(groups)))],
    }


def link_timings(sample_pairs: list[list[str]], rounds: int = 400) -> dict:
    """In-process: the (kind, digest) lookup alone, and the whole linking step for a new report."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from beacon.reporting.models import Report, ReportIdentifier
    from beacon.triage.services import link_candidates, reports_link

    rng = random.Random(11)
    lookups, whole = [], []
    for i in range(rounds):
        pairs = [tuple(rng.choice(sample_pairs)) for _ in range(rng.choice([1, 2, 3]))]
        pairs += [("phone", f"{i:064x}")]  # a new number nobody has reported
        started = time.perf_counter()
        link_candidates(pairs=pairs)
        lookups.append((time.perf_counter() - started) * 1000)
        with transaction.atomic():
            report = Report.objects.create(
                reference=f"BN{i:06d}"[:12], received_at=timezone.now(), categories=["dealing"], sealed=b"x"
            )
            ReportIdentifier.objects.bulk_create(
                [ReportIdentifier(report=report, kind=k, digest=d) for k, d in sorted(set(pairs))]
            )
            started = time.perf_counter()
            reports_link(report=report)
            whole.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return {
        "lookup": {
            "p50_ms": percentile(lookups, 50),
            "p95_ms": percentile(lookups, 95),
            "p99_ms": percentile(lookups, 99),
        },
        "link_step": {
            "p50_ms": percentile(whole, 50),
            "p95_ms": percentile(whole, 95),
            "p99_ms": percentile(whole, 99),
        },
    }


# ---------------------------------------------------------------- the benchmark


def _run_in_server_env(server, *args: str) -> dict:
    out = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env=server.env,
        check=True,
        text=True,
        capture_output=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _latency(base: str, cookie: tuple[str, str], paths: list[str], seconds: float) -> dict:
    client = Client(base)
    client.cookies[cookie[0]] = cookie[1]
    for i in range(10):  # warm both workers (templates, connections) before measuring
        client.request("GET", paths[i % len(paths)])
        client.close()
    samples, errors = [], 0
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        status, _, body = client.request("GET", path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            errors += 1
            if errors > 5:
                raise RuntimeError(f"GET {path} gave {status}: {body[:200]}")
            continue
        samples.append(elapsed)
    client.close()
    return {
        "requests": len(samples),
        "p50_ms": percentile(samples, 50),
        "p95_ms": percentile(samples, 95),
        "p99_ms": percentile(samples, 99),
        "errors": errors,
    }


def bench(database: str, database_url: str, total: int, seconds: float) -> list[dict]:
    rows = []
    with gunicorn(database_url, workers=2) as server:
        started = time.perf_counter()
        facts = _run_in_server_env(server, "generate", str(total))
        facts["generate_seconds"] = round(time.perf_counter() - started, 1)
        print(
            f"  {database}: {json.dumps({k: v for k, v in facts.items() if k in ('reports', 'identifiers', 'links', 'open', 'load_seconds', 'generate_seconds')})}"
        )
        cookie = tuple(facts["cookie"])
        base = server.url
        header = {"Cookie": f"{cookie[0]}={cookie[1]}", "X-Forwarded-Proto": "https"}
        pages = {
            "baseline: plain Django page (15 KB)": ["/bench/page?bytes=15000"],
            "baseline: small Wagtail admin form (ask the reporter)": [
                f"/admin/triage/reports/{facts['detail_ids'][0]}/question/"
            ],
            "queue, first page": ["/admin/triage/"],
            "queue, filtered (category + area)": [f"/admin/triage/?category=weapons&area={facts['area']}"],
            "queue, page 20": ["/admin/triage/?page=20"],
            "report detail (decrypt, links, audit write)": [
                f"/admin/triage/reports/{pk}/" for pk in facts["detail_ids"]
            ],
        }
        for label, paths in pages.items():
            latency = _latency(base, cookie, paths, seconds)
            load = wrk(base + paths[0], connections=4, seconds=max(5, int(seconds)), headers=header)
            rows.append(
                {
                    "database": database,
                    "measure": label,
                    "p50_ms": latency["p50_ms"],
                    "p95_ms": latency["p95_ms"],
                    "p99_ms": latency["p99_ms"],
                    "n": latency["requests"],
                    "rps_4conn": load["rps"],
                    "non2xx": load["non2xx"],
                }
            )
        links = _run_in_server_env(server, "links", json.dumps(facts["sample_pairs"]))
        for label, key in [
            ("link lookup, (kind, digest) query", "lookup"),
            ("linking a new report (whole step)", "link_step"),
        ]:
            rows.append(
                {
                    "database": database,
                    "measure": label,
                    "p50_ms": links[key]["p50_ms"],
                    "p95_ms": links[key]["p95_ms"],
                    "p99_ms": links[key]["p99_ms"],
                    "n": 400,
                    "rps_4conn": float("nan"),
                    "non2xx": 0,
                }
            )
        rows.append(
            {
                "database": database,
                "measure": f"worker memory (MB) after the run: {', '.join(f'{m:.0f}' for m in server.rss_mb())}",
                "p50_ms": float("nan"),
                "p95_ms": float("nan"),
                "p99_ms": float("nan"),
                "n": 0,
                "rps_4conn": float("nan"),
                "non2xx": 0,
            }
        )
    return rows


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "generate":
        print(json.dumps(generate(int(sys.argv[2]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "links":
        print(json.dumps(link_timings([tuple(p) for p in json.loads(sys.argv[2])])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=15, help="per measured page")
    args = parser.parse_args()
    rows = []
    for database in args.databases.split(","):
        print(f"Loading {args.reports:,} reports into {database}…", flush=True)
        with sqlite() if database == "sqlite" else postgres() as url:
            rows += bench(database, url, args.reports, args.seconds)
    report(
        f"Triage at {args.reports:,} reports (targets: queue p95 < 150 ms, link lookup p95 < 20 ms, "
        "detail p95 < 250 ms; latency with one client, throughput with wrk -c4)",
        rows,
    )


if __name__ == "__main__":
    main()
