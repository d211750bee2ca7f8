"""The Wagtail admin under Beacon's strict Content-Security-Policy, in a real browser.

Staff sign in through the real login and two-factor pages; every admin page visited, and everything done on
it (date pickers, choosers, InlinePanel, the rich text editor), must cause no CSP violation, and the panels and
widgets Wagtail would have started with inline scripts must be started by beacon/admin-csp.js instead.
"""

import contextlib
import io
import re
import threading

import pytest
from django.conf import settings as django_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image as PILImage
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from wagtail.images.models import Image

from beacon.content.models import CampaignPage, CampaignWeekPage, HomePage, NewsArticlePage
from beacon.qanda.models import AnswerSheet

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"

# Runs in every frame before the page's own scripts: keeps each securitypolicyviolation event.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push([
    event.effectiveDirective, event.blockedURI, event.sourceFile + ':' + event.lineNumber + ':' + event.columnNumber,
  ].join(' '));
}, true);
"""


@pytest.fixture(autouse=True)
def no_gravatar(settings):
    """Wagtail loads staff avatars from gravatar.com unless WAGTAIL_GRAVATAR_PROVIDER_URL is None, which
    img-src 'self' blocks (and which would tell a third party who uses the admin). Until config/settings sets
    it, set it here so the rest of the admin is checked (see beacon/core/tests/test_admin_csp.py)."""
    if getattr(django_settings, "WAGTAIL_GRAVATAR_PROVIDER_URL", "") is not None:
        settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None


class CSPWatch:
    """Records CSP violations on a page, from the securitypolicyviolation events in every frame and from
    Chromium's console messages (which also report what happens before any script runs)."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text:
            self.console.append(f"{message.location.get('url')}: {text}")
        elif message.type == "error" and "beacon/admin-csp.js" in text:
            self.console.append(text)

    def violations(self) -> list[str]:
        found = list(self.console)
        for frame in self.page.frames:
            with contextlib.suppress(PlaywrightError):  # a frame that has gone away has nothing to report
                found += frame.evaluate("window.__cspViolations || []")
        return found

    def check(self, where: str):
        violations = self.violations()
        assert violations == [], f"CSP violations on {where}:\n" + "\n".join(violations)


def sign_in(page, base, user):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/account/two-factor/verify/"))
    # The site-wide Referrer-Policy "no-referrer" makes Chromium send "Origin: null" with this POST, which
    # Django's CSRF check refuses (the accounts pages have no same-origin override yet); as in test_triage.
    page.evaluate(
        "() => { const m = document.createElement('meta'); m.name = 'referrer';"
        " m.content = 'same-origin'; document.head.appendChild(m); }"
    )
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.fill("input[name=token]", code)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


@pytest.fixture
def one_request_at_a_time(live_server):
    """The live server answers requests in threads that share one in-memory SQLite connection, which fails
    now and then ("bad parameter or other API misuse") when the admin sends requests side by side (its
    script catalogue, the editing-session ping). Serve one request at a time while these tests run."""
    server = live_server.thread.httpd
    app = server.get_app()
    lock = threading.Lock()

    def serial_app(environ, start_response):
        with lock:
            return app(environ, start_response)

    server.set_app(serial_app)
    yield
    server.set_app(app)


@pytest.fixture
def admin(page, demo_site, make_staff, one_request_at_a_time):
    """A superuser signed in to the admin of the demo site, with CSP violations recorded."""
    watch = CSPWatch(page)
    sign_in(page, demo_site.url, make_staff(None, superuser=True))
    watch.check("the sign-in pages and the dashboard")
    return page, watch, demo_site.url


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.ok, f"{url}: {response.status} {page.title()}"
    assert "/admin/" in page.url, f"{url} went to {page.url}"


def assert_all_started(page):
    """Every inert element that stands for one of Wagtail's inline scripts has been started."""
    waiting = page.eval_on_selector_all(
        "[data-beacon-admin-init]:not([data-beacon-admin-init-done])",
        "els => els.map(e => e.getAttribute('data-beacon-admin-init') + ' ' + (e.dataset.id || ''))",
    )
    assert waiting == [], f"not started on {page.url}: {waiting}"


def has_date_picker(page, input_id) -> bool:
    return page.evaluate(f"!!window.jQuery('#{input_id}').data('xdsoft_datetimepicker')")


def test_admin_pages_cause_no_violations(admin):
    page, watch, base = admin
    home = HomePage.objects.first()
    urls = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{home.pk}/edit/",
        f"/admin/pages/{CampaignPage.objects.first().pk}/edit/",
        f"/admin/pages/{NewsArticlePage.objects.first().pk}/edit/",
        f"/admin/pages/{CampaignWeekPage.objects.first().pk}/edit/",
        f"/admin/pages/add/content/newsarticlepage/{home.pk}/",
        "/admin/snippets/",
        "/admin/snippets/content/theme/",
        "/admin/snippets/qanda/answersheet/",
        f"/admin/snippets/qanda/answersheet/edit/{AnswerSheet.objects.first().pk}/",
        "/admin/images/",
        f"/admin/images/{Image.objects.first().pk}/",  # the focal point chooser (Jcrop)
        "/admin/documents/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/groups/new/",
        "/admin/sites/",
        "/admin/redirects/add/",
        "/admin/workflows/list/",
        "/admin/workflows/add/",
        "/admin/account/",
        "/admin/events_admin/new/",
        "/admin/qanda_sessions/new/",
    ]
    for url in urls:
        visit(page, base + url)
        assert_all_started(page)
        watch.check(url)

    # The explorer's date filters and a page's date fields got their pickers.
    visit(page, f"{base}/admin/pages/{CampaignPage.objects.first().pk}/edit/")
    assert has_date_picker(page, "id_start_date") and has_date_picker(page, "id_end_date")
    visit(page, f"{base}/admin/pages/")
    assert has_date_picker(page, "id_latest_revision_created_at_0")
    watch.check("the date fields")

    visit(page, f"{base}/admin/images/{Image.objects.first().pk}/")
    expect(page.locator(".jcrop-holder")).to_have_count(1)
    watch.check("the focal point chooser")


def test_schedule_publishing_date_pickers_work(admin):
    page, watch, base = admin
    visit(page, f"{base}/admin/pages/{HomePage.objects.first().pk}/edit/")
    # The dialog is teleported out of a <template> after the page loads, so its pickers are started by the
    # MutationObserver in beacon/admin-csp.js rather than on load.
    page.locator("[data-side-panel-toggle='status']").click()
    page.get_by_role("button", name="Set schedule").click()
    dialog = page.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    assert has_date_picker(page, "id_go_live_at") and has_date_picker(page, "id_expire_at")
    page.locator("#id_go_live_at").click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    expect(picker).to_have_count(1)
    picker.locator(".xdsoft_date:not(.xdsoft_disabled)").last.click()
    expect(page.locator("#id_go_live_at")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
    watch.check("the schedule publishing dialog")


def test_inline_panel_adds_a_child_form(admin):
    page, watch, base = admin
    sheet = AnswerSheet.objects.first()
    visit(page, f"{base}/admin/snippets/qanda/answersheet/edit/{sheet.pk}/")
    forms = page.locator("#id_items-FORMS > [id^='inline_child_']")
    before = forms.count()
    assert page.input_value("#id_items-TOTAL_FORMS") == str(before)

    page.locator("#id_items-ADD").click()
    expect(forms).to_have_count(before + 1)
    assert page.input_value("#id_items-TOTAL_FORMS") == str(before + 1)
    new = forms.nth(before)
    expect(new.locator(f"textarea[name='items-{before}-question']")).to_be_visible()
    page.fill(f"textarea[name='items-{before}-question']", "Where can I get help at night?")
    page.fill(f"textarea[name='items-{before}-answer']", "Call 101, or 999 in an emergency.")
    assert_all_started(page)
    watch.check("the InlinePanel after adding a child")

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages .success, .messages .w-message--success").first).to_be_visible()
    draft = AnswerSheet.objects.get(pk=sheet.pk).get_latest_revision().as_object()
    assert "Where can I get help at night?" in [item.question for item in draft.items.all()]
    watch.check("the saved answer sheet")


def test_choosers_open_their_modals(admin):
    page, watch, base = admin
    visit(page, f"{base}/admin/redirects/add/")
    page.locator("#id_redirect_page-chooser [data-chooser-action-choose]").first.click()
    modal = page.locator(".modal.fade.in, .modal[aria-hidden='false'], .modal:visible").first
    expect(modal).to_be_visible()
    modal.locator("a[data-title='Beacon']").first.click()
    expect(modal).to_be_hidden()
    expect(page.locator("#id_redirect_page-chooser [data-chooser-title]")).to_have_text("Beacon")
    assert page.input_value("#id_redirect_page") == str(HomePage.objects.first().pk)
    watch.check("the page chooser modal")

    visit(page, f"{base}/admin/pages/{CampaignWeekPage.objects.first().pk}/edit/")
    chooser = page.locator("#id_theme-chooser")
    chooser.locator("[data-w-dropdown-target='toggle']").click()
    chooser.get_by_role("button", name=re.compile("Choose another")).click()
    expect(page.locator(".modal:visible").first).to_be_visible()
    watch.check("the snippet chooser modal")


def test_rich_text_editor_styles_without_inline_style(admin):
    page, watch, base = admin
    visit(page, f"{base}/admin/pages/{CampaignPage.objects.first().pk}/edit/")
    editor = page.locator(".Draftail-Editor [contenteditable='true']").first
    editor.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("More help")
    expect(editor).to_contain_text("More help")
    # Draftail's <style> elements were made inert and applied through constructed stylesheets.
    assert page.locator("style").count() == 0
    rules = page.evaluate(
        "document.adoptedStyleSheets.flatMap(sheet => [...sheet.cssRules].map(rule => rule.selectorText))"
    )
    assert any("public-DraftStyleDefault-depth1" in rule for rule in rules)  # list numbering
    assert any("Draftail-block--empty" in rule for rule in rules)  # the placeholder of the empty block
    watch.check("the rich text editor")


def test_elements_added_later_are_started_exactly_once(admin):
    page, watch, base = admin
    visit(page, f"{base}/admin/pages/{CampaignPage.objects.first().pk}/edit/")
    calls = page.evaluate(
        """async () => {
          const calls = [];
          const original = window.initDateChooser;
          window.initDateChooser = (id, config) => { calls.push([id, config]); return original(id, config); };
          const box = document.createElement('div');
          box.innerHTML = '<input type="text" id="id_beacon_test_date">'
            + '<span hidden data-beacon-admin-init="initDateChooser" data-id="id_beacon_test_date"'
            + ' data-config="{&quot;format&quot;: &quot;Y-m-d&quot;}"></span>'
            + '<span hidden data-beacon-admin-init="alert" data-id="not called"></span>';
          document.querySelector('main').append(box);
          await new Promise((resolve) => setTimeout(resolve, 50));
          document.querySelector('main').prepend(box);  // moved: not started again
          await new Promise((resolve) => setTimeout(resolve, 50));
          window.initDateChooser = original;
          return calls;
        }"""
    )
    assert calls == [["id_beacon_test_date", {"format": "Y-m-d"}]]
    assert has_date_picker(page, "id_beacon_test_date")
    # A name that is not on the list is refused, and says so.
    assert any("no initialiser" in message for message in watch.console)
    watch.console.clear()
    watch.check("elements added after load")


def test_multiple_image_upload_previews_and_uploads(admin):
    page, watch, base = admin
    visit(page, f"{base}/admin/images/multiple/add/")
    png = io.BytesIO()
    PILImage.new("RGB", (60, 40), "red").save(png, "PNG")
    before = Image.objects.count()
    page.set_input_files(
        "#fileupload", files=[{"name": "red.png", "mimeType": "image/png", "buffer": png.getvalue()}]
    )
    # The preview is read into a data: URL rather than a blob: URL (which img-src 'self' data: blocks).
    expect(page.locator("#upload-list .preview canvas, #upload-list .preview img").first).to_be_attached()
    expect(
        page.locator("#upload-list .upload-success, #upload-list form.image-edit-form").first
    ).to_be_attached()
    assert Image.objects.count() == before + 1
    watch.check("the multiple image upload")


def test_preview_panel_shows_the_page(admin):
    page, watch, base = admin
    visit(page, f"{base}/admin/pages/{HomePage.objects.first().pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").click()
    page.wait_for_timeout(2000)
    watch.check("the preview panel")
