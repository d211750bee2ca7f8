"""Shared machinery for Beacon's benchmarks.

Every server started here listens on 127.0.0.1 only, is bounded in time, and is stopped by its process id by
the code that started it. Figures are printed beside a baseline measured in the same run, on the same machine.

    from bench.harness import postgres, sqlite, gunicorn, wrk, nginx, run_clients, report

    with sqlite() as db, gunicorn(db) as server:
        page = wrk(server.url + "/bench/page?bytes=15000")
        ours = wrk(server.url + "/")
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_CLUSTER = ("15", "main")


# ---------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_pid(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM, wait, then SIGKILL: for processes this module started."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def percentile(samples: list[float], pct: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(title: str, rows: list[dict]) -> None:
    """Print rows (dicts with the same keys) as an aligned table."""
    print(f"\n{title}")
    if not rows:
        print("  (no rows)")
        return
    keys = list(rows[0].keys())

    def fmt(value):
        if isinstance(value, float):
            return f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    widths = {k: max(len(k), *(len(fmt(r.get(k, ""))) for r in rows)) for k in keys}
    print("  " + "  ".join(k.ljust(widths[k]) for k in keys))
    for row in rows:
        print("  " + "  ".join(fmt(row.get(k, "")).ljust(widths[k]) for k in keys))
    sys.stdout.flush()


# ---------------------------------------------------------------- databases


@contextlib.contextmanager
def sqlite() -> Iterator[str]:
    """A throwaway SQLite database file (WAL mode is set by Beacon's settings)."""
    folder = tempfile.mkdtemp(prefix="beacon-bench-sqlite-")
    try:
        yield f"sqlite:///{folder}/bench.sqlite3"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _pg_pid() -> int | None:
    version, name = PG_CLUSTER
    pid_file = Path(f"/var/lib/postgresql/{version}/{name}/postmaster.pid")
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError, IndexError):
        return None


def _psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(
        ["su", "postgres", "-c", f'psql -v ON_ERROR_STOP=1 -q -d {database} -c "{sql}"'],
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """DATABASE_URL of a throwaway PostgreSQL database on 127.0.0.1.

    Starts the machine's cluster if it is stopped (and stops it again, by process id, afterwards).
    """
    if DATABASE_URL_FROM_ENV := os.environ.get("BENCH_POSTGRES_URL"):
        yield DATABASE_URL_FROM_ENV
        return
    started = False
    if _pg_pid() is None:
        subprocess.run(["pg_ctlcluster", *PG_CLUSTER, "start"], check=True)
        started = True
    name = f"beacon_bench_{secrets.token_hex(4)}"
    password = secrets.token_hex(12)
    try:
        _psql(f"DROP ROLE IF EXISTS {name}")
        _psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
        _psql(f"CREATE DATABASE {name} OWNER {name}")
        yield f"postgres://{name}:{password}@127.0.0.1:5432/{name}"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            _psql(f"DROP ROLE IF EXISTS {name}")
        if started and (pid := _pg_pid()):
            stop_pid(pid, timeout=60)


# ---------------------------------------------------------------- Beacon under gunicorn


class Server:
    def __init__(self, url: str, pid: int, env: dict[str, str]):
        self.url = url
        self.pid = pid
        self.env = env

    def manage(self, *args: str, capture: bool = False) -> str:
        """Run a management command against the server's database with its (production) settings."""
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            text=True,
            stdout=subprocess.PIPE if capture else None,
        )
        return result.stdout or ""

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def cpu_ms(self) -> float:
        """CPU time (user and system) the workers have used so far, in ms: the difference across a phase,
        divided by its requests, is what one request costs the server."""
        ticks = 0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime (proc(5))
        return ticks * 1000 / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> list[float]:
        """Resident memory of each worker, in MB."""
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes


def production_env(database_url: str, state: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Production settings for a benchmark server whose uploads go under `state`."""
    import base64

    from nacl.public import PrivateKey  # noqa: PLC0415 - only the harness needs it

    private = PrivateKey.generate()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "false",
        "BEACON_BENCH_BASELINES": "1",
        # One server plays every part: the public side's keys, then the back office's (docs/deploy.md).
        "BEACON_REPORT_PUBLIC_KEY": base64.b64encode(bytes(private.public_key)).decode(),
        "BEACON_RECEIPT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "BEACON_REPORT_PRIVATE_KEY": base64.b64encode(bytes(private)).decode(),
        "BEACON_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "STATIC_ROOT": str(ROOT / "var" / "static"),
        "MEDIA_ROOT": str(state / "media"),
        "EMAIL_URL": "consolemail://",
        "BEACON_DEMO_DATA": "true",  # a throwaway server: the public pages benchmark loads the demo site
    }
    env.update(extra or {})
    return env


@contextlib.contextmanager
def gunicorn(
    database_url: str,
    *,
    workers: int = 2,
    env: dict[str, str] | None = None,
    seed: bool = False,
    timeout: float = 60,
) -> Iterator[Server]:
    """Beacon with production settings under gunicorn (sync workers) on a loopback port.

    Uploaded files go to a temporary folder, and rate-limit counts to a throttle file of its own; both are removed
    when the server stops.
    """
    throttle = Path("/dev/shm" if Path("/dev/shm").is_dir() else tempfile.gettempdir()) / (  # noqa: S108
        f"beacon-bench-throttle-{secrets.token_hex(6)}.sqlite3"
    )
    extra = {"BEACON_THROTTLE_FILE": str(throttle), **(env or {})}
    try:
        with tempfile.TemporaryDirectory(prefix="beacon-bench-state-") as state:
            yield from _gunicorn(production_env(database_url, Path(state), extra), workers, seed, timeout)
    finally:
        for path in (throttle, Path(f"{throttle}-wal"), Path(f"{throttle}-shm")):
            path.unlink(missing_ok=True)


def _gunicorn(environment: dict[str, str], workers: int, seed: bool, timeout: float) -> Iterator[Server]:
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL
        )

    run("migrate", "--noinput")
    run("collectstatic", "--noinput")
    _create_bench_table(environment)
    if seed:
        run("seed_demo")
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--no-control-socket",
            "--log-level",
            "warning",
            "--timeout",
            "60",
            "--keep-alive",
            "5",
        ],
        cwd=ROOT,
        env=environment,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield Server(url, process.pid, environment)
    finally:
        stop_pid(process.pid)
        process.wait(timeout=30)


def _create_bench_table(environment: dict[str, str]) -> None:
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor();"
        "pk = 'INTEGER PRIMARY KEY AUTOINCREMENT' if connection.vendor == 'sqlite' else 'BIGSERIAL PRIMARY KEY';"
        "c.execute(f'CREATE TABLE IF NOT EXISTS bench_row (id {pk}, payload TEXT NOT NULL)')"
    )
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=environment, check=True)


# ---------------------------------------------------------------- nginx, the physical limit for serving a page


@contextlib.contextmanager
def nginx(root_dir: str | Path) -> Iterator[str]:
    """nginx (1 worker) serving root_dir on a loopback port; yields the base URL."""
    port = free_port()
    server = f"""
    server {{
        listen 127.0.0.1:{port};
        root {Path(root_dir).resolve()};
        index index.html;
    }}
"""
    with nginx_http(server, port) as url:
        yield url


@contextlib.contextmanager
def nginx_http(http_config: str, port: int) -> Iterator[str]:
    """nginx (1 worker) with http_config inside its http block, listening on 127.0.0.1:port (which the
    configuration must say); yields the base URL."""
    folder = Path(tempfile.mkdtemp(prefix="beacon-bench-nginx-"))
    if f"listen 127.0.0.1:{port};" not in http_config:
        raise ValueError("nginx must listen on the loopback port given")
    (folder / "nginx.conf").write_text(f"""
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{http_config}
}}
""")
    process = subprocess.Popen(["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)])
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start: " + (folder / "error.log").read_text())
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_pid(process.pid)
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- wrk for GET pages

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('BEACON_JSON {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk(
    url: str,
    *,
    connections: int = 50,
    seconds: int = 10,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    paths: list[str] | None = None,
) -> dict[str, float]:
    """Load one URL with wrk; returns rps and latency percentiles in ms. With `paths`, each request asks
    for one of them (on url's server) drawn at random, so a per-path cache rarely helps."""
    if not url.startswith(("http://127.", "http://localhost")):
        raise ValueError("benchmarks target loopback only")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
        if paths:
            listed = ",\n".join(json.dumps(path) for path in paths)  # JSON strings are valid Lua strings here
            script.write(
                f"paths = {{\n{listed}\n}}\n"
                "counter = 0\n"
                'setup = function(thread) counter = counter + 1; thread:set("id", counter) end\n'
                "init = function(args) math.randomseed(os.time() + id * 7919) end\n"
                'request = function() return wrk.format("GET", paths[math.random(#paths)]) end\n'
            )
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    try:
        out = subprocess.run(
            command + [url], capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    finally:
        os.unlink(script.name)
    data = json.loads(re.search(r"BEACON_JSON (\{.*\})", out).group(1))
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "requests": data["requests"],
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": data["errors"],
        "non2xx": data["non2xx"],
    }


# ---------------------------------------------------------------- a small HTTP client for journeys


class Client:
    """Keep-alive HTTP/1.1 client with a cookie jar that, like a browser on https, sends back every cookie
    (the production settings mark cookies Secure; the benchmark talks plain HTTP on loopback)."""

    CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base_url: str):
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return self.conn

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        all_headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.host}:{self.port}{path}",
            **(headers or {}),
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=all_headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                if val == '""' or "max-age=0" in value.lower():
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = val.strip()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict | list[tuple[str, str]], csrf_from: str | None = None):
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf_from is not None and (match := self.CSRF.search(csrf_from)):
            items.append(("csrfmiddlewaretoken", match.group(1)))
        body = urllib.parse.urlencode(items).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(
        self,
        path: str,
        fields: list[tuple[str, str]],
        files: list[tuple[str, str, str, bytes]],
        csrf_from: str | None = None,
    ):
        """files: (field name, file name, content type, bytes)."""
        if csrf_from is not None and (match := self.CSRF.search(csrf_from)):
            fields = [*fields, ("csrfmiddlewaretoken", match.group(1))]
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, filename, content_type, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST", path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# ---------------------------------------------------------------- concurrent clients


class Timer:
    """Records (label, seconds, ok) samples; passed to each client function."""

    def __init__(self):
        self.samples: list[tuple[str, float, bool]] = []
        self.counters: dict[str, int] = {}

    @contextlib.contextmanager
    def time(self, label: str):
        start = time.perf_counter()
        ok = True
        try:
            yield
        except Exception:
            ok = False
            raise
        finally:
            self.samples.append((label, time.perf_counter() - start, ok))

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n


def _process_main(fn, base_url, threads, seconds, queue):
    deadline = time.monotonic() + seconds
    timers = []

    def loop():
        timer = Timer()
        timers.append(timer)
        client = Client(base_url)
        while time.monotonic() < deadline:
            try:
                fn(client, timer)
            except Exception as error:  # a failed iteration is counted, not fatal
                timer.count("failed_iterations")
                timer.count(f"error: {type(error).__name__}: {str(error)[:80]}")
                client.close()
                client = Client(base_url)
        client.close()

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    samples = [s for t in timers for s in t.samples]
    used = os.times()  # this client process's own CPU: the load generator's share of the cores
    counters: dict[str, int] = {CLIENT_CPU: round((used.user + used.system) * 1000)}
    for timer in timers:
        for key, value in timer.counters.items():
            counters[key] = counters.get(key, 0) + value
    queue.put((samples, counters))


CLIENT_CPU = "client cpu ms"


def run_clients(
    fn: Callable[[Client, Timer], None],
    base_url: str,
    *,
    clients: int = 50,
    seconds: float = 60,
    processes: int = 2,
) -> dict:
    """Run fn(client, timer) in a loop from `clients` concurrent clients (threads spread over processes) for
    `seconds`. Returns {"seconds", "per_label": {label: {"count","rps","p50_ms","p95_ms","p99_ms","errors"}},
    "counters", "client_cpu_ms"} (the CPU the client processes used)."""
    if not base_url.startswith(("http://127.", "http://localhost")):
        raise ValueError("benchmarks target loopback only")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    per_process = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    procs = [
        context.Process(target=_process_main, args=(fn, base_url, n, seconds, queue))
        for n in per_process
        if n
    ]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=seconds + 300) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    elapsed = time.monotonic() - started
    samples = [s for r in results for s in r[0]]
    counters: dict[str, int] = {}
    for _, c in results:
        for key, value in c.items():
            counters[key] = counters.get(key, 0) + value
    per_label: dict[str, dict] = {}
    for label in sorted({s[0] for s in samples}):
        durations = [s[1] * 1000 for s in samples if s[0] == label and s[2]]
        errors = sum(1 for s in samples if s[0] == label and not s[2])
        per_label[label] = {
            "count": len(durations),
            "rps": len(durations) / elapsed,
            "p50_ms": percentile(durations, 50),
            "p95_ms": percentile(durations, 95),
            "p99_ms": percentile(durations, 99),
            "mean_ms": statistics.fmean(durations) if durations else float("nan"),
            "errors": errors,
        }
    client_cpu_ms = counters.pop(CLIENT_CPU, 0)
    return {"seconds": elapsed, "per_label": per_label, "counters": counters, "client_cpu_ms": client_cpu_ms}
