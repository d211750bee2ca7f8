"""The campaign dashboard: figures from other apps' data (read through their selectors), charts with titles
and tables, CSV download, and staff-only access."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from beacon.accounts import roles
from beacon.content.models import CampaignIndexPage, CampaignPage, CampaignWeekPage, HomePage, Theme
from beacon.insights.charts import Series, grouped_bar_chart, horizontal_bar_chart, nice_max
from beacon.insights.selectors import campaign_dashboard, dashboard_csv_rows

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 2)


def at(day: int, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(START + datetime.timedelta(days=day), datetime.time(hour))
    )


@pytest.fixture
def campaign(db):
    from wagtail.models import Page

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Beacon", slug="dash-home"))
    index = home.add_child(instance=CampaignIndexPage(title="Campaigns", slug="campaigns"))
    campaign = index.add_child(
        instance=CampaignPage(
            title="Spring of action",
            slug="spring",
            start_date=START,
            end_date=START + datetime.timedelta(days=13),
            summary="x",
        )
    )
    theme = Theme.objects.create(name="=HYPERLINK(1)", slug="formula")  # a hostile name for the CSV
    for number in (1, 2):
        campaign.add_child(
            instance=CampaignWeekPage(
                title=f"Week {number}",
                slug=f"week-{number}",
                week_number=number,
                start_date=START + datetime.timedelta(days=7 * (number - 1)),
                end_date=START + datetime.timedelta(days=7 * number - 1),
                theme=theme if number == 2 else None,
                summary="x",
            )
        )
    return campaign


@pytest.fixture
def figures(campaign):
    from beacon.core.models import Neighbourhood, PolicingArea
    from beacon.events.models import Event, EventKind, EventOutcome
    from beacon.feedback.models import Feedback
    from beacon.qanda.models import QandASession, Question
    from beacon.reporting.models import Report

    area = PolicingArea.objects.create(name="Northampton", code="nh")
    town = Neighbourhood.objects.create(area=area, name="Town Centre", code="tc", postcode_districts=["NN1"])
    reports = [
        (0, ["dealing"], town),
        (1, ["dealing", "cuckooing"], town),
        (8, ["weapons"], None),
        (9, ["deal_line", "gang", "weapons"], None),
        (20, ["dealing"], town),  # after the campaign: not counted
    ]
    for number, (day, categories, neighbourhood) in enumerate(reports):
        Report.objects.create(
            reference=f"TEST-{number:04d}",
            received_at=at(day),
            categories=categories,
            neighbourhood=neighbourhood,
            sealed=b"sealed",
        )
    session = QandASession.objects.create(
        title="Ask the inspector", slug="ask", starts_at=at(2, 18), ends_at=at(2, 19), campaign_week=None
    )
    for day, status in [(1, Question.ANSWERED), (2, Question.PENDING), (9, Question.ANSWERED)]:
        Question.objects.create(
            session=session,
            text="A question",
            received_at=at(day),
            status=status,
            answered_at=at(day, 20) if status == Question.ANSWERED else None,
        )
    for day, people, young in [(3, 40, 12), (10, 25, 20)]:
        event = Event.objects.create(
            title="Beat Bus",
            kind=EventKind.BEAT_BUS,
            starts_at=at(day, 10),
            ends_at=at(day, 12),
            place_name="Market Square",
            postcode="NN1 1AA",
        )
        EventOutcome.objects.create(
            event=event,
            people_engaged=people,
            young_people_reached=young,
            concerns_raised=1,
            leaflets_given=30,
        )
    for day, rating in [(0, 5), (1, 4), (9, 2)]:
        with time_machine.travel(at(day)):
            Feedback.objects.create(rating=rating)
    return campaign


def test_figures_per_campaign_and_week(figures):
    data = campaign_dashboard(campaign=figures)
    whole, week1, week2 = data["whole"], *data["weeks"]
    # Four reports with seven category ticks between them: totals and areas count reports, once each.
    assert whole.reports_total == 4
    assert dict(whole.reports_by_category) == {
        "dealing": 2,
        "cuckooing": 1,
        "weapons": 2,
        "deal_line": 1,
        "gang": 1,
    }
    assert dict(whole.reports_by_area) == {"Town Centre": 2, "Unknown": 2}
    assert (week1.reports_total, week2.reports_total) == (2, 2)
    assert (dict(week1.reports_by_area), dict(week2.reports_by_area)) == ({"Town Centre": 2}, {"Unknown": 2})
    assert dict(week2.reports_by_category) == {"weapons": 2, "deal_line": 1, "gang": 1}
    assert whole.questions == {"asked": 3, "answered": 2}
    assert (week1.questions, week2.questions) == ({"asked": 2, "answered": 1}, {"asked": 1, "answered": 1})
    assert whole.attendance["events"] == 2 and whole.attendance["people_engaged"] == 65
    assert week2.attendance["young_people_reached"] == 20
    assert whole.feedback["total"] == 3 and whole.feedback["per_rating"][5] == 1
    assert week1.feedback["mean"] == 4.5
    assert week2.theme == "=HYPERLINK(1)"


def test_report_figures_take_the_same_queries_however_many_reports(figures):
    """Counted in the database, a query or two a period: more reports (and more categories) add no queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beacon.reporting.models import Report

    with CaptureQueriesContext(connection) as before:
        campaign_dashboard(campaign=figures)
    Report.objects.bulk_create(
        Report(
            reference=f"MORE-{number:04d}",
            received_at=at(number % 14),
            categories=["dealing", "cuckooing", "gang"][: 1 + number % 3],
            sealed=b"sealed",
        )
        for number in range(30)
    )
    with CaptureQueriesContext(connection) as after:
        data = campaign_dashboard(campaign=figures)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert data["whole"].reports_total == 34
    assert sum(p.reports_total for p in data["weeks"]) == 34


def test_empty_campaign_is_zero_filled(campaign):
    data = campaign_dashboard(campaign=campaign)
    assert data["whole"].reports_total == 0 and data["categories"] == [] and data["areas"] == []
    assert data["whole"].questions == {"asked": 0, "answered": 0}
    assert all(value == 0 for value in data["whole"].attendance.values())
    assert data["whole"].feedback["mean"] is None


def test_dashboard_page_has_accessible_charts_and_tables(figures, make_staff, staff_client):
    client = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    response = client.get(reverse("insights:dashboard", args=[figures.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('role="img"') == 6
    assert body.count("<title id=") == 6 and body.count("<desc id=") == 6
    assert "<caption>Reports by category</caption>" in body
    assert "<caption>Questions asked and answered</caption>" in body
    assert "Drug dealing" in body and "Town Centre" in body
    assert "<dt>Reports received</dt><dd>4</dd>" in body
    assert "Week 1 2, Week 2 2. 4 in the whole campaign." in body  # the weekly chart's description
    assert "Town Centre 2, Unknown 2." in body  # the area chart's description
    visible = body.split('class="beacon-dashboard"')[1]
    for svg in visible.split("<svg")[1:]:
        visible = visible.replace(svg.split("</svg>")[0], "")
    assert "A report can have more than one category" in visible  # said on the page, not only in the chart
    assert "http://" not in body.split('class="beacon-dashboard"')[1].replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "<script" not in body.split('class="beacon-dashboard"')[1]
    index = client.get(reverse("insights:dashboard_index"))
    assert index.status_code == 200 and "Spring of action" in index.content.decode()


def test_csv_download_has_the_same_figures_and_defuses_formulas(figures, make_staff, staff_client):
    client = staff_client(make_staff(roles.CAMPAIGN_APPROVER))
    response = client.get(reverse("insights:dashboard_csv", args=[figures.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="campaign-spring-dashboard.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["period", "week", "theme", "start", "end", "measure", "breakdown", "value"]
    lookup = {(r[0], r[5], r[6]): r[7] for r in rows[1:]}
    assert lookup[("Whole campaign", "reports", "all")] == "4"
    assert (lookup[("Week 1", "reports", "all")], lookup[("Week 2", "reports", "all")]) == ("2", "2")
    assert lookup[("Whole campaign", "reports by area", "Town Centre")] == "2"
    assert lookup[("Week 2", "reports by area", "Unknown")] == "2"
    assert lookup[("Week 1", "reports by category", "Drug dealing")] == "2"
    assert lookup[("Whole campaign", "reports by category", "Weapons")] == "2"
    assert lookup[("Week 2", "questions", "answered")] == "1"
    assert lookup[("Whole campaign", "event attendance", "People engaged")] == "65"
    assert all(not row[2].startswith("=") for row in rows[1:])
    assert len(rows) - 1 == len(dashboard_csv_rows(dashboard=campaign_dashboard(campaign=figures))) - 1


def test_only_staff_with_the_permission_see_the_dashboard(campaign, client, make_staff, staff_client):
    url = reverse("insights:dashboard", args=[campaign.pk])
    assert client.get(url).status_code == 302  # to the admin sign-in
    triage = staff_client(make_staff(roles.TRIAGE_OFFICER))
    assert triage.get(url).status_code in (302, 403)
    assert triage.get(reverse("insights:dashboard_csv", args=[campaign.pk])).status_code in (302, 403)


def test_unknown_campaign_is_404(campaign, make_staff, staff_client):
    client = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    assert client.get(reverse("insights:dashboard", args=[999999])).status_code == 404
    assert client.get(reverse("insights:dashboard_csv", args=[999999])).status_code == 404


def test_charts_are_valid_svg_with_escaped_text():
    svg = grouped_bar_chart(
        title="Questions <b>",
        description="Two series & more",
        labels=["Week 1", "Week <2>"],
        series=[Series("Asked", [3, 5]), Series("Answered", [1, 0])],
    )
    tree = ET.fromstring(svg)  # noqa: S314 (our own output)
    ns = "{http://www.w3.org/2000/svg}"
    assert tree.get("role") == "img" and tree.find(f"{ns}title").text == "Questions <b>"
    assert len([rect for rect in tree.iter(f"{ns}rect") if rect.find(f"{ns}title") is not None]) == 4
    bars = ET.fromstring(horizontal_bar_chart(title="T", description="D", labels=["A", "B"], values=[2, 7]))  # noqa: S314 (our own output)
    assert bars.find(f"{ns}desc").text == "D"
    ET.fromstring(horizontal_bar_chart(title="T", description="D", labels=[], values=[]))  # noqa: S314 (our own output)
    assert [nice_max(v) for v in (0, 3, 5, 41, 419)] == [4, 4, 8, 60, 600]
