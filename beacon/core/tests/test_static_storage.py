"""Collected script modules import each other by their hashed names, so a release never leaves a stale
quick exit in browsers that cached the old files for a year (immutable, docs/deploy.md)."""

import json
import re

from django.core.management import call_command
from django.test import override_settings

from config.settings import base


def test_collected_modules_import_the_hashed_files(tmp_path):
    root = tmp_path / "static"
    with override_settings(
        STATIC_ROOT=root,
        STORAGES={**base.STORAGES},  # the storage production and development use (the tests use plain files)
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],  # Beacon's own files
    ):
        call_command("collectstatic", "--noinput", verbosity=0)

    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    entry = (root / manifest["dist/beacon.mjs"]).read_text()
    imported = re.findall(r"""\bfrom\s*["']([^"']+)["']""", entry)
    assert sorted(imported) == sorted(
        "./" + manifest[f"dist/{name}"].removeprefix("dist/")
        for name in ("govuk-frontend.min.js", "quick-exit.mjs")
    ), imported
    for name in imported:
        assert re.search(r"\.[0-9a-f]{12}\.m?js$", name), f"{name} is not a hashed name"
        assert (root / "dist" / name).is_file()
