"""The safety shell every public page carries, and the site-wide headers."""

import re

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    with open("/dev/null", "w") as sink:
        call_command("seed_demo", stdout=sink)


PUBLIC_PAGES = ["/", "/staying-safe-online/", "/accessibility/", "/cookies/", "/privacy/", "/feedback/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_safety_shell(client, demo, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<a href="/leave"[^>]*data-quick-exit', body), "quick exit link missing"
    assert "Leave this site" in body
    assert 'class="govuk-phase-banner"' in body and 'href="/feedback/"' in body
    assert 'href="tel:999"' in body and 'href="tel:101"' in body and "0800 555 111" in body
    for link in ("/accessibility/", "/cookies/", "/privacy/", "/staying-safe-online/"):
        assert f'href="{link}"' in body
    assert "Nene Valley Police" in body


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_inline_script_or_style_and_nothing_from_elsewhere(client, demo, path):
    body = client.get(path).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline script"
    assert not re.search(r"<style", body), "inline style element"
    assert not re.search(r'\sstyle="', body), "inline style attribute"
    from wagtail.models import Site

    own = (
        Site.objects.get(is_default_site=True).root_url + "/"
    )  # absolute links to itself (the canonical link)
    # Nothing the page loads comes from elsewhere (a link the reader follows to another site may go there).
    for tag, url in re.findall(r'<(\w+)\b[^>]*?\s(?:src|href)="([^"]+)"', body):
        if url.startswith(own):
            continue
        if tag == "a":
            assert not url.startswith(("http://", "//")), f"a link that is not https: {url}"
            continue
        assert not url.startswith(("http://", "https://", "//")), f"reference to another origin: {url}"


def test_security_headers(client, demo):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_public_pages_set_no_cookie(client, demo):
    response = client.get("/")
    assert not response.cookies, "a plain public page must not set cookies"


def test_leave_clears_the_site_and_goes_somewhere_neutral(client, settings):
    settings.BEACON_NEUTRAL_URL = "https://weather.example/"
    session = client.session
    session["report_answers"] = {"details": "half-finished"}
    session.save()
    session_key = session.session_key

    response = client.get("/leave")

    assert response.status_code == 302
    assert response["Location"] == "https://weather.example/"
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in response["Cache-Control"]
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_reports_an_unreachable_database(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_unknown_page_gets_the_styled_404(client, demo):
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Leave this site" in body
    # Somewhere to go from a dead link: a search of the site's pages, as well as the home page.
    assert re.search(r'<form method="get" action="/search/" role="search">.*?name="q"', body, re.S)


def test_every_public_page_links_to_search_from_its_header(client, demo):
    for path in ("/", "/report/", "/no-such-page-here/"):
        header = client.get(path).content.decode().split("</header>")[0]
        assert '<a class="beacon-header__nav-link" href="/search/"' in header, path
    search = client.get("/search/")
    assert re.search(r'href="/search/" aria-current="page">Search</a>', search.content.decode())


def test_csrf_failure_is_explained_in_plain_words(demo):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/feedback/", {"rating": "5"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_wrong_method_is_not_a_server_error(client, demo):
    assert client.put("/healthz").status_code == 405
    assert client.delete("/cookies/").status_code == 405


def test_nul_characters_never_reach_a_view(rf):
    from beacon.core.middleware import StripNulMiddleware

    seen = {}

    def view(request):
        seen.update(request.GET.lists())
        return None

    StripNulMiddleware(view)(rf.get("/news/?theme=%00drugs&q=a%00b&q=c"))
    assert seen == {"theme": ["drugs"], "q": ["ab", "c"]}


def test_an_address_with_a_nul_character_is_not_found(client, demo):
    """A path part with a NUL, looked up in PostgreSQL (a Wagtail admin content type, a page slug), raised
    DataError: a 500. No address has one."""
    for path in ("/news/%00/", "/admin/workflows/tasks/add/%00/groupapprovaltask/", "/report/where%00/"):
        response = client.get(path)
        assert response.status_code == 404 and "Page not found" in response.content.decode(), path


def test_select_all_that_apply_renders_checkboxes_and_one_answer_renders_radios():
    from django import forms

    from beacon.core.forms import GovukForm

    class Form(GovukForm):
        many = forms.MultipleChoiceField(
            choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )
        one = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    html = str(Form())
    assert html.count('class="govuk-checkboxes__input"') == 2
    assert html.count('class="govuk-radios__input"') == 1


def test_text_is_cleaned_before_a_fields_own_checks():
    from django import forms

    from beacon.core.forms import GovukForm

    class Form(GovukForm):
        name = forms.CharField(max_length=3, error_messages={"required": "Enter your name"})
        note = forms.CharField(required=False)

    invisible = Form({"name": "\u200b\u202e \u2060", "note": "\u200b"})
    assert not invisible.is_valid()
    assert invisible.errors == {"name": ["Enter your name"]}
    padded = Form({"name": "\u202eSam\u200b", "note": " Cafe\u0301\n"})
    assert padded.is_valid(), padded.errors  # the length counts what is kept, not what is removed
    assert padded.cleaned_data == {"name": "Sam", "note": "Caf\u00e9"}
