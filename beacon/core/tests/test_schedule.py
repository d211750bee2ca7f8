import logging

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_run_schedule_runs_each_job_once_and_survives_a_failing_one(settings, caplog):
    settings.BEACON_SCHEDULE = [("loaddata", 60), ("no_such_command", 60), ("seed_demo", 60)]
    with caplog.at_level(logging.WARNING, logger="beacon.schedule"), open("/dev/null", "w") as sink:
        call_command("run_schedule", "--once", stdout=sink)
    assert "scheduled job no_such_command is not a management command" in caplog.text
    assert "scheduled job loaddata failed" in caplog.text  # loaddata with no fixture raises
    from beacon.core.models import PolicingArea

    assert PolicingArea.objects.exists(), "seed_demo, after the other jobs, ran"
