"""The home page, with everything it loads, stays small: people report from old phones on poor signal."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

BUDGET_BYTES = 100 * 1024


def static_file(url: str) -> bytes:
    name = url.removeprefix(settings.STATIC_URL)
    path = finders.find(name)
    assert path, f"{url} is not a static file"
    return Path(path).read_bytes()


def module_graph(entry_url: str) -> dict[str, bytes]:
    """The script module and everything it imports, as a browser would fetch them."""
    files, queue = {}, [entry_url]
    while queue:
        url = queue.pop()
        if url in files:
            continue
        files[url] = static_file(url)
        base = url.rsplit("/", 1)[0]
        for target in re.findall(rb'import\s*(?:[^"\']*from\s*)?["\'](\./[^"\']+)["\']', files[url]):
            queue.append(f"{base}/{target.decode()[2:]}")
    return files


@pytest.mark.django_db
def test_home_page_transfers_under_100_kb_compressed(client):
    with open("/dev/null", "w") as sink:
        call_command("seed_demo", stdout=sink)
    html = client.get("/").content
    assets = {}
    for url in re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html):
        assets[url.decode()] = static_file(url.decode())
    for url in re.findall(rb'<script type="module" src="([^"]+)"', html):
        assets.update(module_graph(url.decode()))
    assert any(u.endswith(".css") for u in assets) and any(u.endswith(".mjs") for u in assets)
    total = len(gzip.compress(html)) + sum(len(gzip.compress(body)) for body in assets.values())
    print(f"home page: {total / 1024:.1f} KB compressed over {1 + len(assets)} files")
    assert total < BUDGET_BYTES, f"{total} bytes compressed"
