"""The access walk: every URL under /admin/triage/, for anonymous visitors and every role.

The URLs come from the URLconf itself, so a view added later without an entry in REQUIRED fails here.
Anyone without the permissions gets no 200 and no report data; anyone with them gets the page.
"""

import io
import re
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from beacon.accounts import roles
from beacon.accounts.middleware import LAST_SEEN_KEY
from beacon.core.models import Neighbourhood, PolicingArea
from beacon.reporting.services import report_submit

from .conftest import answers

VIEW = "triage.view_queue"
CONTENT = "reporting.view_report_content"
WORK = "triage.work_report"

# URL name -> permissions it needs (all of them).
REQUIRED = {
    "triage:queue": {VIEW},
    "triage:detail": {VIEW, CONTENT},
    "triage:attachment": {VIEW, CONTENT},
    "triage:assess": {VIEW, WORK},
    "triage:grade": {VIEW, "triage.grade_report"},
    "triage:route": {VIEW, WORK},
    "triage:assign": {VIEW, WORK},
    "triage:actioned": {VIEW, WORK},
    "triage:child_involved": {VIEW, WORK},
    "triage:child_not_involved": {VIEW, WORK},
    "triage:close": {VIEW, WORK},
    "triage:safeguarding": {VIEW, "triage.decide_safeguarding"},
    "triage:question": {VIEW, WORK},
    "triage:network_search": {"triage.view_network"},
    "triage:network": {"triage.view_network", VIEW},
    "triage:export": {VIEW, CONTENT, "triage.export_reports"},
    "audit_log:index": {"core.view_auditevent"},
    "audit_log:index_results": {"core.view_auditevent"},
    "audit_log:inspect": {"core.view_auditevent"},
    "policing_areas:index": {"core.view_policingarea"},
    "policing_areas:index_results": {"core.view_policingarea"},
    "policing_areas:add": {"core.add_policingarea"},
    "policing_areas:edit": {"core.change_policingarea"},
    "policing_areas:history": {"core.change_policingarea"},
    "policing_areas:history_results": {"core.change_policingarea"},
    "policing_areas:usage": {"core.change_policingarea"},
    "neighbourhoods:index": {"core.view_neighbourhood"},
    "neighbourhoods:index_results": {"core.view_neighbourhood"},
    "neighbourhoods:add": {"core.add_neighbourhood"},
    "neighbourhoods:edit": {"core.change_neighbourhood"},
    "neighbourhoods:history": {"core.change_neighbourhood"},
    "neighbourhoods:history_results": {"core.change_neighbourhood"},
    "neighbourhoods:usage": {"core.change_neighbourhood"},
}
# Every role in the table (new roles join the walk automatically), and a signed-in person in no group.
ALL_ROLES = [*roles.ROLE_PERMISSIONS, None]
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def staff_patterns(prefix: str = "admin/triage/") -> list[tuple[str, str]]:
    """(url name, route) for every pattern whose full route starts with prefix."""
    found = []

    def walk(patterns, route_prefix, namespace):
        for entry in patterns:
            route = route_prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern) and route.startswith(prefix):
                found.append((f"{namespace}:{entry.name}" if namespace else entry.name, route))

    walk(get_resolver().url_patterns, "", "")
    return found


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def world(areas):
    report = report_submit(
        answers=answers(details="Distinctive words: marmalade lighthouse"), files=[("photo.png", png())]
    ).report
    identifier = report.identifiers.get(kind="phone")
    return {
        "report": report,
        "values": {
            "pk": report.pk,
            "attachment_id": report.attachments.get().pk,
            "kind": "phone",
            "digest": identifier.digest,
        },
        "area": PolicingArea.objects.first(),
        "neighbourhood": Neighbourhood.objects.first(),
    }


def concrete(name: str, route: str, world) -> str:
    values = dict(world["values"])
    if name.startswith("policing_areas:"):
        values["pk"] = world["area"].pk
    elif name.startswith("neighbourhoods:"):
        values["pk"] = world["neighbourhood"].pk
    elif name.startswith("audit_log:"):
        from beacon.core.models import AuditEvent

        values["pk"] = AuditEvent.objects.order_by("id").first().pk
    return "/" + CONVERTER.sub(lambda m: str(values[m.group("name")]), route)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


def test_every_staff_url_is_in_the_permission_table():
    names = {name for name, _ in staff_patterns()}
    assert names == set(REQUIRED), "Add new /admin/triage/ URLs to REQUIRED with the permissions they need"


def test_access_walk(world, make_staff):
    from beacon.core.services import audit_record

    audit_record(actor=None, action="test.seed", object_type="report", object_id=world["report"].pk)
    report = world["report"]
    secrets = [report.reference, "marmalade lighthouse", "Big Dave", "Example Street"]
    urls = [(name, concrete(name, route, world)) for name, route in staff_patterns()]
    users = [AnonymousUser()] + [make_staff(role) for role in ALL_ROLES]
    # Every member of staff belongs to the report's team here (the team scope has tests of its own).
    assert report.neighbourhood is not None
    report.neighbourhood.members.add(*[user for user in users if user.is_authenticated])
    allowed_seen = 0
    for user in users:
        client = client_for(user if user.is_authenticated else None)
        for name, url in urls:
            allowed = user.is_authenticated and user.has_perms(REQUIRED[name])
            response = client.get(url)
            if allowed:
                assert response.status_code == 200, f"{user} should see {url}"
                allowed_seen += 1
                continue
            assert response.status_code != 200, f"{user} got 200 for GET {url}"
            body = response.content.decode(errors="replace")
            for secret in secrets:
                assert secret not in body, f"{user} saw report data at GET {url}"
            posted = client.post(url, {"version": report.version, "text": "x", "kind": "duplicate"})
            assert posted.status_code != 200, f"{user} got 200 for POST {url}"
            assert posted.status_code < 500
            for secret in secrets:
                assert secret not in posted.content.decode(errors="replace"), f"{user} saw data at POST {url}"
    report.refresh_from_db()
    assert report.version == 1 and report.status == "new", "a refused request changed the report"
    assert not report.messages.exists()
    assert allowed_seen > len(urls)  # the positive side was exercised too


def test_only_triage_roles_can_open_reports():
    openers = {role for role, perms in roles.ROLE_PERMISSIONS.items() if {VIEW, CONTENT} <= perms}
    assert openers == {
        roles.TRIAGE_OFFICER,
        roles.INTELLIGENCE_ANALYST,
        roles.NEIGHBOURHOOD_SUPERVISOR,
        roles.SAFEGUARDING_LEAD,
    }


def test_a_staff_session_ends_after_30_idle_minutes(world, make_staff, settings):
    officer = make_staff(roles.TRIAGE_OFFICER)
    client = client_for(officer)
    assert client.get("/admin/triage/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.BEACON_STAFF_IDLE_SECONDS - 60
    session.save()
    response = client.get(f"/admin/triage/reports/{world['report'].pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/triage/").status_code == 302  # signed out, not just redirected once


def test_without_the_second_factor_nothing_is_shown(world, make_staff):
    """Every URL of the staff area, for someone signed in with their password only: a superuser with an
    authenticator they have not used, and an officer who has not set one up yet."""
    from beacon.core.services import audit_record

    audit_record(actor=None, action="test.seed")  # for the audit log's inspect URL
    urls = [concrete(name, route, world) for name, route in staff_patterns()]
    assert len(urls) == len(REQUIRED)
    for user in (make_staff(None, superuser=True), make_staff(roles.TRIAGE_OFFICER, with_device=False)):
        client = Client()
        client.force_login(user)  # password only
        for url in urls:
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code == 302, f"{user} {method.__name__} {url}"
                assert "/two-factor/" in response["Location"], f"{user} {method.__name__} {url}"
    report = world["report"]
    report.refresh_from_db()
    assert report.version == 1 and not report.messages.exists()


HOSTILE = [
    {},
    {"version": "1", "text": "\x00\ud800" if False else "\x00" * 10, "kind": "x" * 5000},
    {
        "version": "99999999999999999999",
        "threat": "<script>alert(1)</script>" * 500,
        "harm": ["high", "low"],
        "referred": "maybe",
        "referral_date": "2026-02-30",
        "neighbourhood": "-1",
        "assignee": "1 OR 1=1",
        "duplicate_of": "'; DROP TABLE reporting_report; --",
        "format": "exe",
        "reports": ",".join(["x"] * 100) + ",999999999999999999999",
        "received_from": "31/31/31",
        "value": "\u202e" * 200,
        "kind": "phone",
    },
]


def test_no_input_gives_a_server_error(world, make_staff):
    """Every triage URL, posted and queried with hostile values by someone allowed to use it."""
    user = make_staff(None, superuser=True)
    client = client_for(user)
    client.raise_request_exception = False
    report = world["report"]
    for name, route in staff_patterns():
        url = concrete(name, route, world)
        for data in HOSTILE:
            assert client.post(url, data).status_code < 500, f"POST {url} {data}"
            assert client.get(url, {k: v for k, v in data.items() if isinstance(v, str)}).status_code < 500, (
                url
            )
    report.refresh_from_db()
    assert report.status == "new"
