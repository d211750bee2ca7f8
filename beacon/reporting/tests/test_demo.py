"""The demo reports show triage every kind of flag, through the real submit service."""

import io

from beacon.reporting import demo
from beacon.reporting.models import Report


def test_demo_reports_cover_each_flag_once_and_are_not_added_twice(db):
    demo.seed(stdout=io.StringIO())
    reports = list(Report.objects.all())
    assert len(reports) == len(demo.DEMO_REPORTS)
    assert sum(r.immediate_danger for r in reports) == 1
    assert sum(r.child_involved for r in reports) == 1
    assert sum(r.child_unknown for r in reports) == 1  # the queue's "Not known if a child is involved"
    assert sum(r.anonymous for r in reports) == len(reports) - 1

    demo.seed(stdout=io.StringIO())
    assert Report.objects.count() == len(reports)
