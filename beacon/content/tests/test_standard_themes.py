"""A new install has the standard campaign themes from a data migration, not only from seed_demo."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from beacon.content.demo import THEMES, seed_snippets
from beacon.content.models import Theme

pytestmark = pytest.mark.django_db

migration = importlib.import_module("beacon.content.migrations.0008_standard_themes")


def run_migration():
    # The function alone, with the project's models and the only part of a schema editor it reads.
    migration.create_standard_themes(apps, SimpleNamespace(connection=connection))


def test_the_migration_creates_the_standard_themes_once():
    Theme.objects.all().delete()  # as on a new install (the test database may already hold them)
    run_migration()
    assert set(Theme.objects.values_list("slug", "name")) == {
        ("drug-harm", "Drug harm and county lines"),
        ("knife-crime", "Knife crime"),
        ("vawg", "Violence against women and girls"),
        ("anti-social-behaviour", "Anti-social behaviour"),
        ("child-exploitation", "Child criminal exploitation"),
    }
    assert all(Theme.objects.values_list("description", flat=True))
    run_migration()
    assert Theme.objects.count() == 5


def test_the_migration_leaves_themes_editors_already_have_alone():
    Theme.objects.all().delete()
    Theme.objects.create(name="Knives", slug="knife-crime", description="Our own words.")
    Theme.objects.create(name="anti-social behaviour", slug="asb")
    run_migration()
    assert Theme.objects.get(slug="knife-crime").name == "Knives"
    assert not Theme.objects.filter(slug="anti-social-behaviour").exists()
    assert Theme.objects.count() == 5


def test_seed_demo_still_works_on_top_of_the_migration():
    Theme.objects.all().delete()
    run_migration()
    themes, _officers, _services = seed_snippets()
    assert Theme.objects.count() == len({slug for _name, slug, _description in THEMES}) == len(themes)
    assert {theme.slug for theme in themes.values()} <= set(Theme.objects.values_list("slug", flat=True))
