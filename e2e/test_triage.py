"""The triage back office in a real browser: staff sign in through the real login and two-factor pages
(the code computed from the device key), work a report, and every triage page passes axe-core at
desktop and phone widths."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from beacon.accounts import roles
from beacon.core.demo import seed as seed_areas
from beacon.core.models import Neighbourhood
from beacon.reporting.services import report_submit
from e2e.conftest import assert_no_cut_off_tables, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def answers(**overrides):
    document = {
        "categories": ["deal_line", "dealing"],
        "where": {"address": "", "postcode": "NN1 1AF", "description": "Behind the row of shops"},
        "when": {"kind": "ongoing", "since": "a month"},
        "people": [{"name": "Jay", "age": "about 16", "description": "grey tracksuit", "is_child": True}],
        "vehicles": [{"registration": "AB12 CDE", "make": "Audi", "model": "A3", "colour": "black"}],
        "phones": ["07700 900777"],
        "handles": [{"platform": "snapchat", "handle": "nv.test.line"}],
        "child": {"ages": "about 16", "in_danger": "unknown", "where_known": ""},
        "how_known": "saw",
        "how_known_detail": "From the bus stop opposite",
        "details": "Short visits to the back door every evening.",
        "contact": None,
    }
    document.update(overrides)
    return document


@pytest.fixture
def reports(live_server):
    seed_areas(stdout=io.StringIO())
    first = report_submit(answers=answers(), files=[("photo.png", png())]).report
    second = report_submit(answers=answers(details="The same number again", people=[]), files=[]).report
    return first, second


def both_widths(page, axe):
    axe(page)
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page)
    assert_no_cut_off_tables(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_triage_officer_works_a_report(page, live_server, reports, make_staff, axe):
    first, second = reports
    officer = make_staff(roles.TRIAGE_OFFICER)
    base = live_server.url
    sign_in(page, base, officer)

    page.goto(f"{base}/admin/triage/")
    assert page.locator("h1").inner_text() == "Report queue"
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    both_widths(page, axe)

    page.get_by_role("link", name=first.reference).click()
    page.wait_for_url(re.compile(rf"/admin/triage/reports/{first.pk}/$"))
    assert "Behind the row of shops" in page.content()
    expect(page.get_by_role("link", name=second.reference)).to_be_visible()  # linked by the phone number
    both_widths(page, axe)

    # THRIVE: an empty form shows the error summary, then a full one is saved
    page.get_by_role("link", name="Assess risk (THRIVE)").click()
    both_widths(page, axe)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    both_widths(page, axe)
    page.fill("#id_threat", "Dealing to young people")
    page.get_by_label("High").first.check()
    page.locator("input[name=risk][value=high]").check()
    page.fill("#id_investigation", "Subscriber checks on the number")
    page.fill("#id_vulnerability", "A 16-year-old is involved")
    page.fill("#id_engagement", "Refer to the exploitation team")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/admin/triage/reports/{first.pk}/$"))
    expect(page.get_by_text("Risk assessment recorded.")).to_be_visible()
    first.refresh_from_db()
    assert first.status == "assessed"

    for action in ("route", "assign", "close", "question", "grade"):
        page.goto(f"{base}/admin/triage/reports/{first.pk}/{action}/")
        assert page.locator("h1").is_visible()
        axe(page)  # one form template: the phone width is checked on the THRIVE form above

    page.goto(f"{base}/admin/triage/reports/{first.pk}/route/")
    page.select_option("#id_neighbourhood", str(Neighbourhood.objects.get(code="rushden").pk))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/admin/triage/reports/{first.pk}/$"))
    first.refresh_from_db()
    assert first.neighbourhood.code == "rushden"


def test_a_report_where_the_reporter_did_not_know_about_a_child(page, live_server, make_staff, axe):
    """Found by its filter, then marked by the officer who learnt that a child is involved."""
    seed_areas(stdout=io.StringIO())
    report = report_submit(
        answers=answers(people=[], child=None, child_involved_answer="unknown", phones=["07700 900888"]),
        files=[],
    ).report
    assert report.child_unknown and not report.child_involved
    base = live_server.url
    sign_in(page, base, make_staff(roles.TRIAGE_OFFICER))

    page.goto(f"{base}/admin/triage/")
    page.locator("summary", has_text="Filter").click()
    page.get_by_label("Not known if a child is involved").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"flags=child_unknown"))
    row = page.locator("tr", has=page.get_by_role("link", name=report.reference))
    expect(row.get_by_text("Child not known")).to_be_visible()
    both_widths(page, axe)

    row.get_by_role("link", name=report.reference).click()
    page.get_by_role("link", name="Record that a child is involved").click()
    expect(page.get_by_text("It cannot be undone.")).to_be_visible()
    both_widths(page, axe)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/admin/triage/reports/{report.pk}/$"))
    expect(page.get_by_text("Report marked as involving a child.")).to_be_visible()
    expect(page.locator(".triage-tag-child", has_text="Child involved")).to_be_visible()
    both_widths(page, axe)
    report.refresh_from_db()
    assert report.child_involved and not report.child_unknown and report.priority >= 500


def test_analyst_and_safeguarding_and_admin_pages(page, browser, live_server, reports, make_staff, axe):
    first, _ = reports
    base = live_server.url
    analyst = make_staff(roles.INTELLIGENCE_ANALYST)
    sign_in(page, base, analyst)
    page.goto(f"{base}/admin/triage/linked/")
    both_widths(page, axe)
    page.select_option("#id_kind", "phone")
    page.fill("#id_value", "07700 900777")
    page.get_by_role("button", name="Look it up").click()
    page.wait_for_url(re.compile(r"/admin/triage/linked/phone/[0-9a-f]{64}/$"))
    assert first.reference in page.content()
    both_widths(page, axe)
    page.goto(f"{base}/admin/triage/export/")
    both_widths(page, axe)

    for role, paths in [
        (roles.SAFEGUARDING_LEAD, [f"/admin/triage/reports/{first.pk}/safeguarding/"]),
        (
            roles.ADMINISTRATOR,
            [
                "/admin/triage/audit/",
                "/admin/triage/areas/",
                f"/admin/triage/neighbourhoods/edit/{Neighbourhood.objects.first().pk}/",
            ],
        ),
    ]:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        other = context.new_page()
        other.set_default_timeout(10_000)
        sign_in(other, base, make_staff(role))
        for path in paths:
            other.goto(base + path)
            assert other.locator("h1").count() >= 1
            both_widths(other, axe)
        context.close()
