"""A form sent after the staff idle limit: the person is told it was not saved (and why), nothing they sent is
shown again or kept, and they are offered a way back to the page they were on. A page opened after the limit
still goes to the sign-in page."""

import io
import re
import time

import pytest
import time_machine
from django.contrib.sessions.models import Session

from beacon.accounts import roles
from beacon.core.demo import seed as seed_areas
from beacon.reporting.services import report_submit
from beacon.triage.models import Assessment

pytestmark = pytest.mark.django_db

TEXT = "Threat: a 15 year old seen carrying for the deal line; meets older males at the garages nightly"
ANSWERS = {
    "categories": ["dealing"],
    "where": {"address": "Flat 2, 10 Example Street", "postcode": "NN1 1AF", "description": ""},
    "when": {"kind": "ongoing", "since": "a few weeks"},
    "people": [],
    "vehicles": [],
    "phones": [],
    "handles": [],
    "child": None,
    "how_known": "saw",
    "how_known_detail": "From my window",
    "details": "Cars come and go all night.",
    "contact": None,
}


@pytest.fixture
def report(db):
    seed_areas(stdout=io.StringIO())
    return report_submit(answers=ANSWERS, files=[]).report


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def post_assessment_after(client, report, seconds, **headers):
    """Open the assessment form, wait `seconds`, then send a full THRIVE assessment."""
    url = f"/admin/triage/reports/{report.pk}/assess/"
    start = time.time()
    with time_machine.travel(start, tick=False):
        page = client.get(url)
        assert page.status_code == 200
    version = re.search(r'name="version" value="([^"]*)"', page.content.decode()).group(1)
    data = {
        "version": version,
        "threat": TEXT,
        "harm": "high",
        "risk": "high",
        "investigation": "Check the garages' CCTV " + "x" * 50,
        "vulnerability": "A child, 15",
        "engagement": "MASH referral",
    }
    with time_machine.travel(start + seconds, tick=False):
        return client.post(url, data, **headers)


def test_an_assessment_sent_after_the_idle_limit_gets_a_clear_page_and_is_not_kept(
    make_staff, staff_client, report, settings
):
    officer = make_staff(roles.TRIAGE_OFFICER)
    client = staff_client(officer)
    url = f"/admin/triage/reports/{report.pk}/assess/"
    response = post_assessment_after(
        client, report, settings.BEACON_STAFF_IDLE_SECONDS + 60, HTTP_REFERER=f"http://testserver{url}"
    )

    assert response.status_code == 403
    text = text_of(response)
    assert "You were signed out because you did nothing for 30 minutes." in text
    assert "What you sent was not saved." in text
    assert f'href="/admin/login/?next={url}"' in response.content.decode()
    # Nothing sent is shown again (someone else may be at the desk) or kept anywhere.
    assert TEXT not in response.content.decode() and "CCTV" not in response.content.decode()
    assert not Assessment.objects.filter(report=report).exists()
    for session in Session.objects.all():
        assert "CCTV" not in str(session.get_decoded())
    # The person is signed out.
    again = client.get("/admin/")
    assert again.status_code == 302 and again["Location"].startswith("/admin/login/")


def test_within_the_idle_limit_the_assessment_is_recorded(make_staff, staff_client, report, settings):
    client = staff_client(make_staff(roles.TRIAGE_OFFICER))
    response = post_assessment_after(client, report, settings.BEACON_STAFF_IDLE_SECONDS - 60)
    assert response.status_code == 302
    assert Assessment.objects.filter(report=report, harm="high", assessed_by__isnull=False).count() == 1


@pytest.mark.parametrize(
    "referer",
    [None, "https://elsewhere.example/admin/triage/", "http://testserver/admin/login/?next=/admin/pages/"],
)
def test_the_way_back_is_the_sent_page_when_the_referer_is_not_one_of_our_pages(
    make_staff, staff_client, report, settings, referer
):
    client = staff_client(make_staff(roles.TRIAGE_OFFICER))
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = post_assessment_after(client, report, settings.BEACON_STAFF_IDLE_SECONDS + 1, **headers)
    assert response.status_code == 403
    assert f'href="/admin/login/?next=/admin/triage/reports/{report.pk}/assess/"' in response.content.decode()


def test_the_way_back_keeps_the_query_of_the_page_the_form_was_on(make_staff, staff_client, report, settings):
    client = staff_client(make_staff(roles.TRIAGE_OFFICER))
    response = post_assessment_after(
        client,
        report,
        settings.BEACON_STAFF_IDLE_SECONDS + 1,
        HTTP_REFERER=f"http://testserver/admin/triage/reports/{report.pk}/?tab=notes&x=1",
    )
    assert f'href="/admin/login/?next=/admin/triage/reports/{report.pk}/%3Ftab%3Dnotes%26x%3D1"' in (
        response.content.decode()
    )


def test_a_form_on_an_account_page_sent_after_the_idle_limit_gets_the_same_page(
    make_staff, staff_client, settings
):
    client = staff_client(make_staff(roles.TRIAGE_OFFICER))
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert client.get("/account/two-factor/recovery-codes/").status_code == 200
    with time_machine.travel(start + settings.BEACON_STAFF_IDLE_SECONDS + 1, tick=False):
        response = client.post("/account/two-factor/recovery-codes/", {"password": "a-long-test-password"})
    assert response.status_code == 403
    assert "What you sent was not saved." in text_of(response)
    assert 'href="/admin/login/?next=/account/two-factor/recovery-codes/"' in response.content.decode()


def test_a_page_opened_after_the_idle_limit_still_goes_to_sign_in(make_staff, staff_client, report, settings):
    client = staff_client(make_staff(roles.TRIAGE_OFFICER))
    url = f"/admin/triage/reports/{report.pk}/assess/"
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(start + settings.BEACON_STAFF_IDLE_SECONDS + 1, tick=False):
        response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"
