"""Public pages: Beacon's page cache against nginx, and Beacon without it against a plain Django page.

    .venv/bin/python bench/public_pages.py                    # SQLite, 3 rounds of 5 s per target
    .venv/bin/python bench/public_pages.py --database postgres --rounds 5 --seconds 10

Loads the demo site, then serves the home page, a campaign week, a news article and the news listing:

- as the same HTML saved to files and served by nginx (1 worker): the physical limit for serving a page;
- from Beacon as deployed (docs/deploy.md) with the page cache ON: nginx (1 worker) in front of gunicorn
  (2 sync workers, production settings), configured by `manage.py page_cache_nginx`, so that pages the cache
  has written as files (BEACON_PAGE_CACHE_DIR) are served by nginx and the rest by Beacon ("cached");
- from that gunicorn directly, the page cache ON but without nginx: cached pages served by Django from its
  per-process cache ("cached, in Django");
- from a second, identical gunicorn with the page cache OFF (BEACON_PAGE_CACHE=0), same database;
- and, as the Django baseline, the plain template page `/bench/page?bytes=N` of the same size.

Runs alternate (each target for each page, then the next round) so that noise from other work on the machine
falls on all alike; each figure is the median of the rounds. wrk uses 50 connections. For the targets Django
answers itself, it also prints the CPU one request costs the gunicorn workers.
Targets on 2 cores: cached >= 25% of nginx's requests per second; uncached >= 70% of the plain Django page's.
Everything listens on 127.0.0.1, is bounded in time, and is stopped by process id.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import free_port, gunicorn, nginx, nginx_http, postgres, report, sqlite, wrk  # noqa: E402

PAGES = {
    "home": "/",
    "campaign week": "/campaigns/safer-streets-safer-futures/week-1-drug-harm-and-county-lines/",
    "news article": "/news/campaign-launches-with-a-promise-to-listen/",
    "news listing": "/news/",
}
CONNECTIONS = 50
# Targets answered by Django itself, and by which gunicorn (0: page cache on, 1: off): for these the run also
# measures the CPU one request costs the workers.
DJANGO_SERVED = {"cached, in Django": 0, "uncached": 1, "django page": 1}


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read(), dict(response.headers.items())


def save_for_nginx(folder: Path, path: str, body: bytes) -> None:
    target = folder / path.strip("/") / "index.html" if path.strip("/") else folder / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)


def measure(args) -> None:
    database = postgres() if args.database == "postgres" else sqlite()
    with database as url, tempfile.TemporaryDirectory(prefix="beacon-bench-pages-") as files:
        folder = Path(files)
        folder.chmod(0o755)  # nginx's worker runs as another user and must read the saved pages
        page_files = folder / "page-cache"
        with (
            gunicorn(
                url, seed=True, env={"BEACON_PAGE_CACHE": "1", "BEACON_PAGE_CACHE_DIR": str(page_files)}
            ) as cached,
            gunicorn(url, env={"BEACON_PAGE_CACHE": "0"}) as uncached,
        ):
            front_port = free_port()
            front_config = cached.manage(
                "page_cache_nginx",
                "--scheme=http",
                "--host=127.0.0.1",
                "--error-log=stderr",
                f"--listen=127.0.0.1:{front_port}",
                f"--upstream={cached.url.removeprefix('http://')}",
                capture=True,
            )
            sizes = {}
            for name, path in PAGES.items():
                body, _ = fetch(cached.url + path)
                # Each worker keeps its own copy: ask until one answers from its cache.
                for _attempt in range(10):
                    again, headers_again = fetch(cached.url + path)
                    if headers_again.get("X-Beacon-Page-Cache") == "hit":
                        break
                plain, plain_headers = fetch(uncached.url + path)
                assert headers_again.get("X-Beacon-Page-Cache") == "hit", (
                    f"{name} is not served from the cache"
                )
                assert "X-Beacon-Page-Cache" not in plain_headers, f"{name}: the cache is not off"
                assert again == body and len(plain) == len(body), f"{name}: cached and fresh pages differ"
                save_for_nginx(folder, path, body)
                sizes[name] = len(body)
            with nginx(folder) as static, nginx_http(front_config, front_port) as front:
                for path in PAGES.values():
                    assert fetch(static + path)[0] == fetch(cached.url + path)[0]
                    fetch(front + path)  # written as a file if the page cache had not yet stored it
                    body, headers = fetch(front + path)
                    assert "X-Beacon-Page-Cache" not in headers, f"{path}: nginx did not serve the file"
                    assert body == fetch(static + path)[0], f"{path}: nginx's file differs from Beacon's page"
                    assert "Content-Security-Policy" in headers
                runs: dict[tuple[str, str], list[dict]] = {}
                for round_number in range(args.rounds):
                    for name, path in PAGES.items():
                        targets = {
                            "nginx": static + path,
                            "cached": front + path,
                            "cached, in Django": cached.url + path,
                            "uncached": uncached.url + path,
                            "django page": uncached.url + f"/bench/page?bytes={sizes[name]}",
                        }
                        for target, target_url in targets.items():
                            server = (
                                (cached, uncached)[DJANGO_SERVED[target]] if target in DJANGO_SERVED else None
                            )
                            before = server.cpu_ms() if server else 0.0
                            result = wrk(target_url, connections=CONNECTIONS, seconds=args.seconds)
                            if result["errors"] or result["non2xx"]:
                                raise RuntimeError(f"{target} {name}: {result}")
                            if server:
                                result["cpu_ms"] = (server.cpu_ms() - before) / max(1, result["requests"])
                            runs.setdefault((name, target), []).append(result)
                    print(f"  round {round_number + 1} of {args.rounds} done", flush=True)
                memory = {"cached": max(cached.rss_mb()), "uncached": max(uncached.rss_mb())}

    def median(name: str, target: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[(name, target)])

    rows = []
    summary = []
    for name in PAGES:
        for target in ("nginx", "cached", "cached, in Django", "uncached", "django page"):
            rows.append(
                {
                    "page": name,
                    "served by": target,
                    "bytes": sizes[name],
                    "req/s": median(name, target, "rps"),
                    "p50 ms": median(name, target, "p50_ms"),
                    "p99 ms": median(name, target, "p99_ms"),
                    "worker CPU ms/req": f"{median(name, target, 'cpu_ms'):.2f}"
                    if target in DJANGO_SERVED
                    else "",
                }
            )
        cached_share = median(name, "cached", "rps") / median(name, "nginx", "rps") * 100
        uncached_share = median(name, "uncached", "rps") / median(name, "django page", "rps") * 100
        summary.append(
            {
                "page": name,
                "cached / nginx %": cached_share,
                "target": ">= 25",
                "met": "yes" if cached_share >= 25 else "NO",
                "uncached / django page %": uncached_share,
                "target ": ">= 70",
                "met ": "yes" if uncached_share >= 70 else "NO",
            }
        )
    title = (
        f"Public pages on {args.database}, {CONNECTIONS} connections, median of {args.rounds} alternating runs "
        f"of {args.seconds} s (gunicorn 2 sync workers, nginx 1 worker; cached = nginx in front of gunicorn)"
    )
    report(title, rows)
    report("Against the targets", summary)
    report("Worker memory (largest worker, MB)", [memory])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    measure(parser.parse_args())


if __name__ == "__main__":
    main()
