"""The page cache's files: written only for pages that are the same for everyone, switched at once when
something is published, and served by nginx (a real one, with the configuration Beacon prints)."""

import contextlib
import datetime
import io
import json
import os
import re
import shutil
import tempfile
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from beacon.content import pagefiles
from beacon.content.cache import HIT_HEADER, current_generation
from bench.harness import free_port, nginx_http

PAGE = "/campaigns/spring-of-action/"


@pytest.fixture
def files(settings):
    folder = Path(tempfile.mkdtemp(prefix="beacon-page-files-"))
    folder.chmod(0o755)  # nginx's workers run as another user
    settings.BEACON_PAGE_CACHE_DIR = str(folder / "pages")
    config = io.StringIO()
    call_command(
        "page_cache_nginx",
        "--scheme",
        "http",
        "--host",
        "localhost",
        "--listen",
        "127.0.0.1:1",
        "--error-log",
        "stderr",
        stdout=config,
    )
    yield folder / "pages", config.getvalue()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.django_db
def test_nginx_lets_through_every_body_beacon_accepts(files):
    from beacon.reporting.views import _reply_body_limit, _upload_body_limit

    _base, config = files
    size_mb = int(re.search(r"client_max_body_size (\d+)m;", config).group(1))
    assert size_mb * 1024 * 1024 >= max(_reply_body_limit(), _upload_body_limit())
    assert size_mb == 61  # three 20 MB files and the form, as docs/deploy.md says


@pytest.mark.django_db
def test_nginx_logs_no_visitor_address_and_passes_it_only_for_rate_limits(settings, files):
    _base, config = files
    assert "access_log off;" in config
    # nginx writes "client: <address>" into every error line: only critical ones are logged.
    assert re.search(r"^\s*error_log stderr crit;", config, re.MULTILINE)
    settings.BEACON_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"  # production's default
    again = io.StringIO()
    call_command("page_cache_nginx", "--listen", "127.0.0.1:1", stdout=again)
    assert "proxy_set_header X-Real-Ip $remote_addr;" in again.getvalue()
    assert "error_log /var/log/nginx/beacon-error.log crit;" in again.getvalue()


def get(client, path, **extra):
    return client.get(path, HTTP_HOST="localhost", **extra)


def page_file(base: Path, path: str) -> Path:
    return base / "current" / "localhost" / path.strip("/") / "index.html"


@pytest.mark.django_db
def test_an_anonymous_page_is_written_as_a_file_with_the_headers_nginx_sends(client, tree, files):
    base, config = files
    response = get(client, PAGE)
    assert response.headers[HIT_HEADER] == "stored"
    assert page_file(base, PAGE).read_bytes() == response.content
    headers = json.loads((base / "headers.json").read_text())
    assert headers["Content-Security-Policy"] == response["Content-Security-Policy"]
    assert headers["Cache-Control"] == response["Cache-Control"] and "no-store" in headers["Cache-Control"]
    for name, value in headers.items():
        assert f'add_header {name} "{value}" always;' in config.replace('\\"', '"')
    assert "sessionid=" in config
    assert os.readlink(base / "current") == pagefiles.version_for(current_generation())


@pytest.mark.django_db
def test_nothing_personal_or_odd_is_written(client, tree, files, django_user_model):
    base, _ = files
    get(client, PAGE + "?utm_source=x")
    get(client, "/news/feed/")
    assert not page_file(base, PAGE).exists()
    assert not (base / "current" / "localhost" / "news" / "feed" / "index.html").exists()
    client.force_login(django_user_model.objects.create_user("editor@example.org", password="x" * 16))
    get(client, PAGE)
    assert not page_file(base, PAGE).exists()


@pytest.mark.django_db
def test_a_page_whose_headers_differ_from_nginx_configuration_is_not_written(client, tree, files):
    base, _ = files
    headers = json.loads((base / "headers.json").read_text())
    headers["Content-Security-Policy"] = "default-src *"
    (base / "headers.json").write_text(json.dumps(headers))
    assert get(client, PAGE).headers[HIT_HEADER] == "stored"
    assert not page_file(base, PAGE).exists()


@pytest.mark.django_db
def test_publishing_switches_the_files_at_once_and_deletes_the_old_ones(
    client, tree, files, django_capture_on_commit_callbacks
):
    base, _ = files
    get(client, PAGE)
    old = os.readlink(base / "current")
    assert page_file(base, PAGE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        tree["campaign"].summary = "A brand new summary."
        tree["campaign"].save_revision().publish()
    assert os.readlink(base / "current") != old and not (base / old).exists()
    assert not page_file(base, PAGE).exists()
    assert "A brand new summary." in get(client, PAGE).content.decode()
    assert "A brand new summary." in page_file(base, PAGE).read_text()


@pytest.mark.django_db
def test_a_page_built_before_a_change_is_never_written_after_it(rf, tree, files):
    base, _ = files
    before = pagefiles.version_for(current_generation())
    pagefiles.switch()
    from beacon.content.cache import generation_bump

    generation_bump()
    pagefiles.switch()
    request = rf.get(PAGE, HTTP_HOST="localhost")
    from django.http import HttpResponse

    response = HttpResponse("old page")
    for name, value in json.loads((base / "headers.json").read_text()).items():
        response[name] = value
    assert pagefiles.store(request, response, before) is False
    assert pagefiles.store(request, response, pagefiles.version_for(current_generation())) is True


@pytest.mark.django_db
def test_the_rollover_follows_the_date(tree, files):
    base, _ = files
    today = os.readlink(base / "current")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        call_command("page_cache_rollover", stdout=io.StringIO())
        assert os.readlink(base / "current") == pagefiles.version_for(current_generation())
    assert os.readlink(base / "current") != today and not (base / today).exists()


# --- nginx in front ----------------------------------------------------------------------------------


@contextlib.contextmanager
def nginx_in_front(config: str, upstream: str):
    """nginx with the configuration Beacon printed, in front of the live server (the benchmarks' launcher)."""
    port = free_port()
    config = config.replace("listen 127.0.0.1:1;", f"listen 127.0.0.1:{port};")
    config = config.replace("server 127.0.0.1:8001;", f"server {upstream};")
    with nginx_http(config, port) as url:
        yield url.replace("127.0.0.1", "localhost")  # the host the test site and its page files are for


def fetch(url: str, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read(), response.headers


@pytest.mark.django_db(transaction=True)
def test_nginx_serves_the_file_and_sends_sessions_to_beacon(live_server, tree, files):
    _, config = files
    upstream = live_server.url.removeprefix("http://")
    with nginx_in_front(config, upstream) as front:
        first, first_headers = fetch(front + PAGE)
        again, again_headers = fetch(front + PAGE)
        assert first_headers[HIT_HEADER] == "stored" and HIT_HEADER not in again_headers  # nginx answered
        assert again == first
        for name in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Cache-Control"):
            assert again_headers[name] == first_headers[name]
        assert again_headers["Content-Type"] == "text/html; charset=utf-8"
        # Mark the file to tell nginx's answers from Beacon's: a visitor with a session, with credentials
        # or asking with a query string always reaches Beacon.
        page_file(files[0], PAGE).write_text("served from the file")
        assert fetch(front + PAGE)[0] == b"served from the file"
        for path, headers in [
            (PAGE, {"Cookie": "theme=x; sessionid=abc"}),
            (PAGE, {"Cookie": "sessionid=abc"}),
            (PAGE, {"Authorization": "Basic eDp5"}),
            (PAGE + "?x=1", {}),
        ]:
            assert fetch(front + path, headers)[0] == first, (path, headers)
        assert fetch(front + PAGE, {"Cookie": "csrftoken=abc; notsessionid=1"})[0] == b"served from the file"
        # A published change shows at once through nginx.
        tree["campaign"].summary = "Changed while nginx was serving."
        tree["campaign"].save_revision().publish()
        assert "Changed while nginx was serving." in fetch(front + PAGE)[0].decode()
