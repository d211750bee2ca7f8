"""Print the nginx configuration that serves the page cache's files, and record the headers it sends.

    python manage.py page_cache_nginx --server-name beacon.example.police.uk --upstream 127.0.0.1:8001 \
        > /etc/nginx/conf.d/beacon.conf

Run it again after changing security settings (CSP, HSTS…) and reload nginx: until then pages whose headers
no longer match are simply not written as files and Django serves them (beacon/content/pagefiles.py).
"""

import json
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from beacon.content import pagefiles


def largest_body_mb() -> int:
    """Beacon's largest accepted request body, in MB: a follow-up reply with BEACON_REPORT_REPLY_MAX_FILES files
    of BEACON_REPORT_MAX_FILE_BYTES, plus 1 MB for the form (beacon.reporting.views refuses anything larger
    with its own page; nginx must not refuse less with its bare one)."""
    files = max(settings.BEACON_REPORT_REPLY_MAX_FILES, 1) * settings.BEACON_REPORT_MAX_FILE_BYTES
    return -(-(files + 1024 * 1024) // (1024 * 1024))


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Command(BaseCommand):
    help = "Print an nginx configuration that serves cached pages as files and proxies the rest to Beacon."

    def add_arguments(self, parser):
        parser.add_argument("--server-name", default="_", help="nginx server_name (default: any)")
        parser.add_argument("--listen", default="127.0.0.1:8080", help="nginx listen directive's value")
        parser.add_argument("--upstream", default="127.0.0.1:8001", help="where gunicorn listens")
        parser.add_argument(
            "--scheme",
            choices=["https", "http"],
            default="https",
            help="the scheme visitors use (https in production: Beacon then adds HSTS)",
        )
        parser.add_argument(
            "--host", default="", help="a host name Beacon accepts (default: first of ALLOWED_HOSTS)"
        )
        parser.add_argument(
            "--error-log",
            default="/var/log/nginx/beacon-error.log",
            help="where nginx writes its (critical only) errors: a path, or stderr",
        )

    def handle(self, *args, server_name, listen, upstream, scheme, host, error_log, **options):
        base = pagefiles.root()
        body_mb = largest_body_mb()
        if base is None:
            raise CommandError("Set BEACON_PAGE_CACHE_DIR first: it is where the pages are written.")
        host = host or next(
            (h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost"
        )
        # The headers come from a real response of this configuration, as a visitor would receive it.
        response = Client(HTTP_HOST=host).get("/", secure=scheme == "https", HTTP_X_FORWARDED_PROTO=scheme)
        headers = {name: value for name, value in response.items() if name in pagefiles.REPLAYED}
        base.mkdir(parents=True, exist_ok=True)
        (base / pagefiles.HEADERS_FILE).write_text(json.dumps(headers, indent=2, sort_keys=True))
        pagefiles.switch()

        cookie = re.escape(settings.SESSION_COOKIE_NAME)
        add_headers = "\n".join(
            f"        add_header {name} {_quote(value)} always;" for name, value in sorted(headers.items())
        )
        address = ""
        if settings.BEACON_CLIENT_ADDRESS_HEADER:
            header = settings.BEACON_CLIENT_ADDRESS_HEADER.removeprefix("HTTP_").replace("_", "-").title()
            address = f"\n        proxy_set_header {header} $remote_addr;"
        self.stdout.write(
            f"""# Beacon behind nginx, with the page cache's files served by nginx itself.
# Written by `manage.py page_cache_nginx`; include it in nginx's http block (e.g. /etc/nginx/conf.d/).
# A page is served from {base}/current/<host>/<path>/index.html only for a GET or HEAD with no query
# string, no session cookie and no Authorization header; everything else goes to Beacon.
upstream beacon_app {{
    server {upstream};
    keepalive 32;
}}
map $http_cookie $beacon_session_cookie {{
    default 0;
    "~(^|;)\\s*{cookie}=" 1;
}}
map "$request_method:$is_args:$beacon_session_cookie:$http_authorization" $beacon_page_file {{
    default /.no-file;
    "GET::0:" /current/$host${{uri}}index.html;
    "HEAD::0:" /current/$host${{uri}}index.html;
}}
server {{
    listen {listen};
    server_name {server_name};
    access_log off;                     # reporters' addresses must not be logged
    error_log {error_log} crit;         # nginx puts the visitor's address in every error line
    client_max_body_size {body_mb}m;           # Beacon's largest accepted body (a reply with its files)
    location / {{
        root {base};
        default_type text/html;
        charset utf-8;
        etag off;
        if_modified_since off;
        try_files $beacon_page_file @beacon;
{add_headers}
    }}
    location @beacon {{
        proxy_pass http://beacon_app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-Proto $scheme;{address}
    }}
}}
"""
        )
