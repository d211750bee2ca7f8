"""Report intake under load: complete "report a concern" journeys over HTTP, against same-run baselines.

    .venv/bin/python bench/report_intake.py                       # SQLite and PostgreSQL, 60 s of journeys
    .venv/bin/python bench/report_intake.py --databases sqlite --seconds 20 --baseline-seconds 10

For each database, Beacon runs under gunicorn (2 sync workers, production settings) and this script, on the
same machine and cores, measures with 50 concurrent clients:

1. the page baseline: a plain Django template page (`/bench/page`) of the same size as a journey step;
2. the insert baseline: a bare Django view inserting one 2 KB row (`/bench/insert`);
3. journeys: every page of a realistic route, GET then POST with its CSRF token, to "check your answers",
   the submit, and the confirmation page; the reference shown is counted as acknowledged;
4. submits alone: sessions prepared beforehand (not timed) are all sent at once, to measure the submit
   against the insert baseline (a 302 to the confirmation, sent only after the commit, counts as accepted).

It prints journeys/s, requests/s, p50/p95/p99 per step and for the submit, the ratios step/page-baseline and
submit/insert-baseline, worker RSS, references acknowledged (journeys) plus submits accepted against reports stored
(they must match), and the CPU one request of each phase costs the workers and the load generator.
Targets on 2 cores: steps >= 70% of the page baseline, submits >= 50% of the insert baseline, >= 15
journeys/s, p99 < 500 ms per step, RSS < 200 MB per worker. Everything runs on 127.0.0.1, is bounded in
time, and is stopped by process id.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue as queue_module
import random
import re
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import Client, Timer, gunicorn, postgres, report, run_clients, sqlite  # noqa: E402

NO_LIMITS = {  # every client is 127.0.0.1 here: lift the per-address rate limits for the run
    "BEACON_REPORT_SUBMIT_PER_CLIENT": "1000000000",
    "BEACON_REPORT_SUBMIT_GLOBAL": "1000000000",
    "BEACON_REPORT_UPLOAD_PER_CLIENT": "1000000000",
    "BEACON_REPORT_UPLOAD_GLOBAL": "1000000000",
}
REFERENCE = re.compile(r"data-reference>([0-9A-Z-]{9})<")
DETAILS = (
    "Every evening from about six, cars pull up outside the flats and someone runs out to them. They stay a "
    "minute or two and drive off. There is a strong smell of cannabis on the stairs and the door to number "
    "twelve is propped open with a brick most nights."
)

# Identifiers vary from journey to journey, as in real reports: a deal line recurs now and then (1,000
# drama-range numbers), postcodes and names are drawn from pools, so triage links some reports, not all.
NAMES = ["Tee", "Big J", "Kay", "Dre", "Little M", "Shay", "Rico", "Jojo", "Ace", "Bee"]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def _postcode(rng: random.Random) -> str:
    return f"NN{rng.randint(1, 10)} {rng.randint(1, 9)}{rng.choice(INWARD)}{rng.choice(INWARD)}"


def route(rng: random.Random) -> list[tuple[str, list[tuple[str, str]]]]:
    """The route each benchmark journey takes: (page, answer). Nineteen pages, each fetched then answered."""
    return [
        ("danger", [("danger", "no")]),
        ("about", [("categories", "dealing"), ("categories", "deal_line")]),
        ("where", [("address", "Flats on Sample Road"), ("postcode", _postcode(rng)), ("description", "")]),
        ("when", [("when", "ongoing")]),
        ("when-ongoing", [("since", "About two months"), ("times", "evening"), ("times", "night")]),
        ("people", [("people", "yes")]),
        (
            "person",
            [
                ("name", f"{rng.choice(NAMES)} {rng.randint(1, 500)}"),
                ("age", "early 20s"),
                ("description", "Black puffer jacket"),
                ("is_child", "no"),
            ],
        ),
        ("people-list", [("add_another", "no")]),
        ("vehicles", [("vehicles", "yes")]),
        ("vehicle", [("registration", "AB12 C??"), ("make", "Ford"), ("model", ""), ("colour", "grey")]),
        ("vehicles-list", [("add_another", "no")]),
        ("numbers", [("numbers", "yes")]),
        ("number", [("phone", f"07700 900{rng.randint(0, 999):03d}"), ("platform", ""), ("handle", "")]),
        ("numbers-list", [("add_another", "no")]),
        ("child-involved", [("child", "no")]),
        ("how", [("how", "saw"), ("detail", "")]),
        ("details", [("details", DETAILS)]),
        ("files", [("action", "continue")]),
        ("contact", [("contact", "anonymous")]),
    ]


def short_route(rng: random.Random) -> list[tuple[str, list[tuple[str, str]]]]:
    """The shortest route, used to prepare sessions for the submit-only phase."""
    return [
        ("danger", [("danger", "no")]),
        ("about", [("categories", "dealing")]),
        ("where", [("postcode", _postcode(rng))]),
        ("when", [("when", "now")]),
        ("people", [("people", "no")]),
        ("vehicles", [("vehicles", "no")]),
        ("numbers", [("numbers", "yes")]),
        ("number", [("phone", f"07700 900{rng.randint(0, 999):03d}")]),
        ("numbers-list", [("add_another", "no")]),
        ("child-involved", [("child", "no")]),
        ("how", [("how", "saw")]),
        ("details", [("details", DETAILS)]),
        ("files", [("action", "continue")]),
        ("contact", [("contact", "anonymous")]),
    ]


ROUTE_PAGES = [slug for slug, _ in route(random.Random(0))]


def _expect(status: int, wanted: int, what: str) -> None:
    if status != wanted:
        raise RuntimeError(f"{what}: HTTP {status}")


def journey(client: Client, timer: Timer) -> None:
    client.cookies.clear()  # a new visitor each time
    for slug, answer in route(random):
        with timer.time(f"GET {slug}"):
            status, _, page = client.get(f"/report/{slug}/")
        _expect(status, 200, f"GET {slug}")
        with timer.time(f"POST {slug}"):
            status, _, _ = client.post_form(f"/report/{slug}/", answer, csrf_from=page)
        _expect(status, 302, f"POST {slug}")
    with timer.time("GET check"):
        status, _, page = client.get("/report/check/")
    _expect(status, 200, "GET check")
    with timer.time("submit"):
        status, headers, _ = client.post_form("/report/check/", [("website", "")], csrf_from=page)
    _expect(status, 302, "submit")
    with timer.time("GET done"):
        status, _, page = client.get("/report/done/")
    _expect(status, 200, "GET done")
    if REFERENCE.search(page):
        timer.count("acknowledged")
    timer.count("journeys")


def prepare(base_url: str, count: int, threads: int = 8) -> list[tuple[dict, str]]:
    """Sessions waiting at "check your answers": (cookies, page with its CSRF token). Not timed."""
    ready: list[tuple[dict, str]] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        client = Client(base_url)
        for _ in range(n):
            client.cookies.clear()
            status, _, page = client.get("/report/danger/")
            for slug, answer in short_route(random):
                status, _, _ = client.post_form(f"/report/{slug}/", answer, csrf_from=page)
                _expect(status, 302, f"prepare {slug}")
            status, _, page = client.get("/report/check/")
            _expect(status, 200, "prepare check")
            with lock:
                ready.append((dict(client.cookies), page))
        client.close()

    workers = [
        threading.Thread(target=work, args=(count // threads + (i < count % threads),))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return ready


_PREPARED: multiprocessing.Queue | None = None


def submit_only(client: Client, timer: Timer) -> None:
    try:
        cookies, page = _PREPARED.get(timeout=0.5)
    except queue_module.Empty:
        timer.count("no prepared session left")
        time.sleep(0.05)
        return
    client.cookies = dict(cookies)
    with timer.time("submit"):
        status, _, _ = client.post_form("/report/check/", [("website", "")], csrf_from=page)
    _expect(status, 302, "submit")
    # A redirect to the confirmation comes only after the commit: count it as an accepted report (the
    # confirmation page itself is fetched in the journey phase, not here, so it does not share the server).
    timer.count("accepted")


def get_page(path: str):
    def fn(client: Client, timer: Timer) -> None:
        with timer.time("page baseline"):
            status, _, _ = client.get(path)
        _expect(status, 200, "page baseline")

    return fn


def insert(client: Client, timer: Timer) -> None:
    with timer.time("insert baseline"):
        status, _, _ = client.request("POST", "/bench/insert", b"", {"Content-Type": "text/plain"})
    _expect(status, 200, "insert baseline")


def measured(server, fn, **kwargs) -> dict:
    """run_clients, plus the CPU the server's workers used meanwhile."""
    before = server.cpu_ms()
    result = run_clients(fn, server.url, **kwargs)
    result["server_cpu_ms"] = server.cpu_ms() - before
    return result


def cpu_row(what: str, result: dict) -> dict:
    requests = sum(row["count"] + row["errors"] for row in result["per_label"].values()) or 1
    return {
        "phase": what,
        "requests": requests,
        "server": f"{result['server_cpu_ms'] / requests:.2f}",
        "client": f"{result['client_cpu_ms'] / requests:.2f}",
    }


def stored_reports(server) -> int:
    out = server.manage(
        "shell",
        "-c",
        "from beacon.reporting.models import Report; print(Report.objects.count())",
        capture=True,
    )
    return int(out.strip().splitlines()[-1])


def step_page_bytes(base_url: str) -> int:
    """The average size of the question pages of one journey along the benchmark's route (each fetched when it
    is the next page to answer, as in the journeys measured)."""
    client = Client(base_url)
    sizes = []
    for slug, answer in route(random.Random(0)):
        status, _, page = client.get(f"/report/{slug}/")
        _expect(status, 200, f"GET {slug}")
        sizes.append(len(page.encode()))
        status, _, _ = client.post_form(f"/report/{slug}/", answer, csrf_from=page)
        _expect(status, 302, f"POST {slug}")
    client.close()
    return sum(sizes) // len(sizes)


def bench_database(name: str, database_url: str, args) -> dict:
    global _PREPARED
    clients = args.clients
    with gunicorn(database_url, workers=2, env=NO_LIMITS) as server:
        size = step_page_bytes(server.url)
        page = measured(
            server, get_page(f"/bench/page?bytes={size}"), clients=clients, seconds=args.baseline_seconds
        )
        page_rps = page["per_label"]["page baseline"]["rps"]
        inserted = measured(server, insert, clients=clients, seconds=args.baseline_seconds)
        insert_rps = inserted["per_label"]["insert baseline"]["rps"]

        journeys = measured(server, journey, clients=clients, seconds=args.seconds)
        rss = server.rss_mb()
        labels = journeys["per_label"]
        seconds = journeys["seconds"]
        step_labels = [label for label in labels if label not in {"submit", "GET done"}]
        step_requests = sum(labels[label]["count"] for label in step_labels)
        all_requests = sum(row["count"] for row in labels.values())
        acknowledged_journeys = journeys["counters"].get("acknowledged", 0)

        prepared = prepare(server.url, args.prepare)
        _PREPARED = multiprocessing.get_context("fork").Queue()
        for item in prepared:
            _PREPARED.put(item)
        time.sleep(0.5)  # let the queue's feeder thread hand everything over before forking
        submits = measured(server, submit_only, clients=clients, seconds=args.submit_seconds)
        # Sessions left over stay in the queue's pipe: do not wait at exit for a reader that is gone.
        _PREPARED.cancel_join_thread()
        if submits["counters"].get("no prepared session left"):
            print(f"{name}: the prepared sessions ran out before the submit phase ended; use more --prepare")
        submit_row = submits["per_label"].get(
            "submit", {"rps": 0.0, "count": 0, "p50_ms": 0, "p95_ms": 0, "p99_ms": 0}
        )
        acknowledged_total = acknowledged_journeys + submits["counters"].get("accepted", 0)
        stored = stored_reports(server)
        rss = [max(a, b) for a, b in zip(rss, server.rss_mb(), strict=False)] or rss

    rows = []
    for label in [f"{verb} {slug}" for slug in ROUTE_PAGES for verb in ("GET", "POST")] + [
        "GET check",
        "submit",
        "GET done",
    ]:
        row = labels.get(label)
        if row:
            rows.append(
                {
                    "request": label,
                    "count": row["count"],
                    "p50_ms": row["p50_ms"],
                    "p95_ms": row["p95_ms"],
                    "p99_ms": row["p99_ms"],
                    "errors": row["errors"],
                }
            )
    report(f"{name}: journeys ({clients} clients, {seconds:.0f} s), per request", rows)
    failures = {k: v for k, v in journeys["counters"].items() if k.startswith(("error", "failed"))}
    failures.update({k: v for k, v in submits["counters"].items() if k.startswith(("error", "failed"))})
    worst_step_p99 = max(labels[label]["p99_ms"] for label in step_labels)
    summary = {
        "database": name,
        "journeys/s": journeys["counters"].get("journeys", 0) / seconds,
        "requests/s": all_requests / seconds,
        "step req/s": step_requests / seconds,
        "page base/s": page_rps,
        "step/page": f"{step_requests / seconds / page_rps:.2f}",
        "submit/s": submit_row["rps"],
        "insert base/s": insert_rps,
        "submit/insert": f"{submit_row['rps'] / insert_rps:.2f}",
        "worst step p99": worst_step_p99,
        "submit p99": submit_row["p99_ms"],
        "RSS MB": max(rss) if rss else float("nan"),
        "acknowledged": acknowledged_total,
        "stored": stored,
    }
    report(
        f"{name}: submits alone ({submit_row['count']} of {len(prepared)} prepared sessions), "
        f"p50 {submit_row['p50_ms']:.1f} ms, p95 {submit_row['p95_ms']:.1f} ms, p99 {submit_row['p99_ms']:.1f} ms; "
        f"page baseline {size:,} bytes",
        [summary],
    )
    report(
        f"{name}: CPU per request, in ms (server: the gunicorn workers; client: this load generator, on the same "
        "cores)",
        [
            cpu_row("page baseline", page),
            cpu_row("insert baseline", inserted),
            cpu_row("journeys (every request)", journeys),
            cpu_row("submits alone", submits),
        ],
    )
    if failures:
        report(f"{name}: failed iterations", [{"what": k, "count": v} for k, v in sorted(failures.items())])
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--seconds", type=int, default=60, help="length of the journey phase")
    parser.add_argument("--baseline-seconds", type=int, default=15, help="length of each baseline phase")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--submit-seconds", type=int, default=8, help="length of the submit-only phase")
    parser.add_argument("--prepare", type=int, default=4000, help="sessions prepared for the submit phase")
    args = parser.parse_args()
    summaries = []
    for name in args.databases.split(","):
        context = sqlite() if name == "sqlite" else postgres()
        with context as database_url:
            if name == "sqlite":
                # Keep connections open, as the settings already do for PostgreSQL: closing the last SQLite
                # connection checkpoints the WAL with an fsync (about 19 ms a request on this machine).
                database_url += "?CONN_MAX_AGE=60"
            summaries.append(bench_database(name, database_url, args))
    report(
        "Report intake: summary (targets: step/page >= 0.7, submit/insert >= 0.5, >= 15 journeys/s, "
        "p99 < 500 ms, RSS < 200 MB, acknowledged == stored)",
        summaries,
    )
    if any(s["acknowledged"] != s["stored"] for s in summaries):
        print("MISMATCH: acknowledged references and stored reports differ")
        sys.exit(1)


if __name__ == "__main__":
    main()
