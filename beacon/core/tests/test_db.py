"""durable_atomic: what the public is told is stored is flushed to disk at commit, on SQLite too."""

import pytest
from django.db import connection, transaction

from beacon.core.db import durable_atomic
from beacon.core.models import PolicingArea


def _synchronous() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_commits_with_a_full_sync_on_sqlite_and_restores_the_setting_after():
    if connection.vendor != "sqlite":
        # PostgreSQL flushes its log at every commit by default: the helper adds nothing there.
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
        with durable_atomic():
            PolicingArea.objects.create(name="North", code="north")
        assert PolicingArea.objects.filter(code="north").exists()
        return
    before = _synchronous()
    assert before == 1  # NORMAL, from the settings
    with durable_atomic():
        assert _synchronous() == 2  # FULL while this transaction commits
        PolicingArea.objects.create(name="North", code="north")
    assert _synchronous() == before
    assert PolicingArea.objects.filter(code="north").exists()


@pytest.mark.django_db(transaction=True)
def test_rolls_back_on_error_and_still_restores_the_setting():
    before = _synchronous() if connection.vendor == "sqlite" else None
    with pytest.raises(RuntimeError), durable_atomic():
        PolicingArea.objects.create(name="North", code="north")
        raise RuntimeError("boom")
    assert not PolicingArea.objects.filter(code="north").exists()
    if before is not None:
        assert _synchronous() == before


@pytest.mark.django_db
def test_inside_an_enclosing_transaction_it_is_a_savepoint():
    with transaction.atomic():
        with pytest.raises(RuntimeError), durable_atomic():
            PolicingArea.objects.create(name="North", code="north")
            raise RuntimeError("boom")
        PolicingArea.objects.create(name="South", code="south")
    assert list(PolicingArea.objects.values_list("code", flat=True)) == ["south"]
