"""What each page of the reporting journey costs in CPU, in process, against the plain page baseline.

    .venv/bin/python bench/report_steps.py                 # 150 journeys after 30 to warm up
    .venv/bin/python bench/report_steps.py --journeys 50

`bench/report_intake.py` measures the journey over HTTP under load; this script says where its time goes. It
runs Beacon in this process with production settings on a throwaway SQLite database, drives the same route
through Django's test client (form-encoded POSTs with their CSRF tokens, as a browser sends them), and prints,
for every request of the route, the CPU one request costs (time.process_time) and that cost against the plain
template page of `/bench/page` measured in the same run. No server, no network: what it shows is Django and
Beacon's own work, without gunicorn's and the kernel's share (which the HTTP benchmark prints as CPU per request).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import PYTHON, production_env, report  # noqa: E402
from bench.report_intake import NO_LIMITS, route  # noqa: E402

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=150)
    parser.add_argument("--warm-up", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="beacon-bench-steps-") as folder:
        state = Path(folder)
        env = production_env(
            f"sqlite:///{state}/bench.sqlite3?CONN_MAX_AGE=60",
            state,
            {"BEACON_THROTTLE_FILE": str(state / "throttle.sqlite3"), **NO_LIMITS},
        )
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        os.environ.update(env)
        os.chdir(ROOT)
        import django  # noqa: PLC0415 - set up only once the environment names the settings

        django.setup()
        from django.test import Client  # noqa: PLC0415

        client = Client(HTTP_HOST="127.0.0.1")
        cpu: dict[str, float] = defaultdict(float)

        def timed(label: str, request):
            started = time.process_time()
            response = request()
            cpu[label] += time.process_time() - started
            return response

        def post(label: str, path: str, fields: list[tuple[str, str]], page):
            token = TOKEN.search(page.content.decode()).group(1)
            body = "&".join(f"{k}={v}" for k, v in [*fields, ("csrfmiddlewaretoken", token)])
            response = timed(
                label, lambda: client.post(path, body, content_type="application/x-www-form-urlencoded")
            )
            if response.status_code != 302:
                raise RuntimeError(f"{label}: HTTP {response.status_code}")

        def journey() -> None:
            client.cookies.clear()
            for slug, answer in route(random):
                page = timed(f"GET {slug}", lambda slug=slug: client.get(f"/report/{slug}/"))
                post(f"POST {slug}", f"/report/{slug}/", answer, page)
            page = timed("GET check", lambda: client.get("/report/check/"))
            post("submit", "/report/check/", [("website", "")], page)
            if timed("GET done", lambda: client.get("/report/done/")).status_code != 200:
                raise RuntimeError("GET done")

        size = 0
        for _ in range(args.warm_up):
            journey()
            size = len(client.get("/bench/page?bytes=9000").content)
        cpu.clear()
        for _ in range(args.journeys):
            journey()
        journey_labels = list(cpu)
        for _ in range(args.journeys):
            timed("page baseline", lambda: client.get("/bench/page?bytes=9000"))

    baseline = cpu["page baseline"] / args.journeys
    total = sum(cpu[label] for label in journey_labels)
    rows = [
        {
            "request": label,
            "cpu_ms": f"{cpu[label] / args.journeys * 1000:.2f}",
            "x page": f"{cpu[label] / args.journeys / baseline:.2f}",
            "share %": cpu[label] / total * 100,
        }
        for label in [*journey_labels, "page baseline"]
    ]
    report(f"CPU per request, in process ({args.journeys} journeys; page baseline {size:,} bytes)", rows)
    average = total / args.journeys / len(journey_labels)
    report(
        "Journey",
        [
            {
                "requests": len(journey_labels),
                "average cpu_ms": f"{average * 1000:.2f}",
                "page baseline cpu_ms": f"{baseline * 1000:.2f}",
                "page/average": f"{baseline / average:.2f}",
            }
        ],
    )


if __name__ == "__main__":
    main()
