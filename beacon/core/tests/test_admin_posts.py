"""No admin screen answers a form post with a 500, whatever the form leaves out.

Every /admin/ URL that Wagtail and Beacon route (from the URL resolver, so a screen added later is covered) gets a
post with an empty form, as a superuser signed in with both steps and with a valid CSRF token, so that the
request reaches the view's own code. The URLs point at the demo data. Each post is rolled back, so that a
delete or a publish does not change what the next URL shows.

The screens this found giving a 500 are tested on their own below: Wagtail's page copy, redirect import and link
chooser read a form's value before the form checked it; replacing a snippet's draft with an earlier version
checked the form less than the revision; and the documents library showed each document's address, which
Beacon (serving no uploaded documents) cannot make.
"""

from __future__ import annotations

import csv
import datetime
import io
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import roles

from . import sweep

pytestmark = pytest.mark.django_db

MISSING = sweep.MISSING_ID


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    assert client.get("/admin/").status_code == 200  # and the CSRF cookie is set
    return client


def csrf(client) -> dict:
    return {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}


# --- Every admin URL ---------------------------------------------------------------------------------------


def _url(route: sweep.Route, ids: dict) -> str | None:
    names = sweep.parameters(route)
    if not route.name:
        return "/" + route.route if not names else None
    sentinels = {name: sweep.sentinel(route, name, index) for index, name in enumerate(names)}
    try:
        url = reverse(route.name, kwargs=sentinels)
    except NoReverseMatch:
        return None
    for name, value in sentinels.items():
        url = url.replace(str(value), sweep.path_segment(str(sweep.admin_value(route, name, ids))))
    return url


def test_no_admin_screen_answers_an_empty_post_with_a_500(make_staff, settings, tmp_path):
    from beacon.feedback.services import feedback_submit
    from beacon.qanda.models import ReceivedEmail

    settings.MEDIA_ROOT = tmp_path  # the document and image admin_objects uploads
    call_command("seed_demo", stdout=io.StringIO())
    admin = make_staff(superuser=True)
    client = signed_in(admin)
    client.raise_request_exception = False
    feedback_submit(rating=4, comment="Clear pages.")
    ReceivedEmail.objects.create(mailbox="INBOX", uidvalidity=1, uid=1, outcome=ReceivedEmail.EMPTY)
    ids = sweep.admin_objects(admin)
    routes = [route for route in sweep.all_routes() if route.route.startswith("admin/")]
    urls = {url for route in routes if (url := _url(route, ids)) is not None}
    assert len(urls) > 300, "every admin route has a URL"
    cookies = client.cookies
    failures, statuses, started = [], {}, time.perf_counter()
    for url in sorted(urls):
        client.cookies = type(cookies)(cookies)  # a post that signs out or cycles the session does not last
        with transaction.atomic():
            response = client.post(url, csrf(client))
            transaction.set_rollback(True)
        if response.status_code >= 500:
            failures.append(f"POST {url} gave {response.status_code}")
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    print(f"{len(urls)} admin URLs in {time.perf_counter() - started:.1f} s: {statuses}")
    assert not failures, "\n".join(failures)


# --- The screens it found ----------------------------------------------------------------------------------


@pytest.fixture
def pages(db):
    from wagtail.models import Page

    from beacon.content.models import CampaignIndexPage, CampaignPage, CampaignWeekPage, HomePage
    from beacon.core.demo import ensure_wagtail_roots

    ensure_wagtail_roots()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Beacon", slug="copy-test-home"))
    index = home.add_child(instance=CampaignIndexPage(title="Campaigns", slug="campaigns"))
    start = datetime.date(2026, 3, 2)
    campaign = index.add_child(
        instance=CampaignPage(
            title="Spring",
            slug="spring",
            start_date=start,
            end_date=start + datetime.timedelta(days=13),
            summary="Two weeks.",
        )
    )
    week = campaign.add_child(
        instance=CampaignWeekPage(
            title="Week 1",
            slug="week-1",
            week_number=1,
            start_date=start,
            end_date=start + datetime.timedelta(days=6),
            summary="The first week.",
        )
    )
    return {"campaign": campaign, "week": week}


@pytest.mark.parametrize(
    ("who", "superuser"),
    [(roles.CAMPAIGN_EDITOR, False), (roles.CAMPAIGN_APPROVER, False), (None, True)],
)
def test_copying_a_page_without_a_parent_it_can_find_shows_the_forms_error(make_staff, pages, who, superuser):
    from wagtail.models import Page

    client = signed_in(make_staff(who, superuser=superuser))
    count = Page.objects.count()
    for parent in (None, "", "abc", "\u00b2", str(MISSING), str(2**63)):
        for page in (pages["campaign"], pages["week"]):
            body = csrf(client) | {"new_title": "Copy", "new_slug": "copy"}
            if parent is not None:
                body["new_parent_page"] = parent
            response = client.post(f"/admin/pages/{page.pk}/copy/", body)
            assert response.status_code == 200, (parent, page)
            error = "Select a valid choice" if parent else "This field is required"
            assert error in response.content.decode(), (parent, page)
    assert Page.objects.count() == count


def test_copying_a_page_still_works(make_staff, pages):
    from beacon.content.models import CampaignPage

    client = signed_in(make_staff(superuser=True))
    campaign = pages["campaign"]
    body = csrf(client) | {
        "new_title": "Spring again",
        "new_slug": "spring-again",
        "new_parent_page": str(campaign.get_parent().pk),
    }
    assert client.post(f"/admin/pages/{campaign.pk}/copy/", body).status_code == 302
    assert CampaignPage.objects.filter(slug="spring-again").exists()


def _upload(client) -> dict:
    """Upload a CSV of redirects; the confirm form's hidden fields, as the page fills them in."""
    data = io.StringIO()
    csv.writer(data).writerows([["from", "to"], ["/old-page/", "https://www.example.org/new-page/"]])
    upload = io.BytesIO(data.getvalue().encode())
    upload.name = "redirects.csv"
    response = client.post("/admin/redirects/import/", csrf(client) | {"import_file": upload})
    assert response.status_code == 200
    fields = sweep.form_fields(response.content.decode()).filled
    return {name: fields[name] for name in ("import_file_name", "input_format")}


def test_the_redirect_import_refuses_a_confirmation_without_its_file_with_a_400(make_staff):
    from wagtail.contrib.redirects.models import Redirect

    client = signed_in(make_staff(superuser=True))
    assert client.post("/admin/redirects/import/process/", csrf(client)).status_code == 400
    confirm = _upload(client) | {"from_index": "0", "to_index": "1", "permanent": "on", "site": ""}
    assert client.post("/admin/redirects/import/process/", csrf(client) | confirm).status_code == 302
    assert Redirect.objects.filter(old_path="/old-page").exists()
    # Sent again (the file is deleted once imported): refused, not a 500.
    assert client.post("/admin/redirects/import/process/", csrf(client) | confirm).status_code == 400
    assert Redirect.objects.count() == 1


def test_the_link_chooser_asks_for_a_url_it_was_not_sent(make_staff):
    client = signed_in(make_staff(roles.CAMPAIGN_EDITOR))
    response = client.post("/admin/choose-external-link/", csrf(client))
    assert response.status_code == 200 and "This field is required" in response.json()["html"]


def test_an_earlier_version_sent_back_with_a_required_field_emptied_says_so(make_staff):
    from beacon.content.models import Officer

    officer = Officer.objects.create(rank="PC", name="Sam Lee", role="Neighbourhood officer")
    revision = officer.save_revision()
    client = signed_in(make_staff(roles.CAMPAIGN_APPROVER))
    url = f"/admin/snippets/content/officer/history/{officer.pk}/revisions/{revision.pk}/revert/"
    response = client.post(url, csrf(client) | {"rank": "PC", "name": "", "role": "Neighbourhood officer"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    officer.refresh_from_db()
    assert officer.name == "Sam Lee" and officer.latest_revision_id == revision.pk
    # Sent back whole, it replaces the draft as before.
    body = csrf(client) | {"rank": "PC", "name": "Sam Lee", "role": "Neighbourhood officer"}
    assert client.post(url, body).status_code == 302


def test_the_documents_library_shows_a_document_that_has_no_address(make_staff):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Leaflet", file=ContentFile(b"%PDF-1.4 leaflet", name="leaflet.pdf")
    )
    client = signed_in(make_staff(superuser=True))
    assert document.url == ""  # Beacon serves no uploaded document
    assert client.get(f"/admin/documents/edit/{document.pk}/").status_code == 200
    assert client.post(f"/admin/documents/edit/{document.pk}/", csrf(client)).status_code == 200
    assert client.get(f"/admin/documents/chooser/chosen/{document.pk}/").status_code == 200
