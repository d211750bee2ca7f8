"""The demo campaign plans by hand only what no event or Q&A session of the same week already shows."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from beacon.content.models import CampaignWeekPage
from beacon.events.models import Event
from beacon.qanda.models import QandASession

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    call_command("seed_demo", stdout=io.StringIO())


def test_no_demo_week_plans_by_hand_an_activity_its_events_or_qanda_sessions_show(demo):
    weeks = list(CampaignWeekPage.objects.live().order_by("week_number"))
    assert len(weeks) == 4
    for week in weeks:
        sessions = {
            timezone.localtime(s.starts_at).date() for s in QandASession.objects.filter(campaign_week=week)
        }
        events = [
            (timezone.localtime(e.starts_at).date(), e.place_name)
            for e in Event.objects.filter(campaign_week=week)
        ]
        for block in week.planned_activities:
            activity = block.value
            if "Q&A" in activity["title"]:
                assert activity["date"] not in sessions, (week.title, activity["title"])
            for day, place in events:
                assert not (day == activity["date"] and place and place in activity["place"]), (
                    week.title,
                    activity["title"],
                )


def test_the_demo_week_page_lists_its_live_qanda_once(client, demo):
    week = CampaignWeekPage.objects.get(slug="week-1-drug-harm-and-county-lines")
    assert QandASession.objects.filter(campaign_week=week).count() == 1
    html = client.get(week.url).content.decode()
    happening = html.split("What is happening this week", 1)[1].split("</ul>", 1)[0]
    assert happening.count("Q&amp;A") == 1, happening
    assert "Live Q&amp;A: County lines: your questions answered" in happening
