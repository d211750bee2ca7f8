"""The Wagtail admin's HTML carries no inline script, so Beacon's strict Content-Security-Policy holds there too.

Wagtail's own InlinePanel, date/time widget and chooser markup starts them with inline <script> elements;
Beacon's templates (and the chooser wrapper in beacon/core/wagtail_hooks.py) print inert
`data-beacon-admin-init` elements instead, which beacon/admin-csp.js starts. The browser side is checked in
e2e/test_admin_csp.py.
"""

import json
import os
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django import forms
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminPageChooser, AdminTimeInput
from wagtail.admin.widgets.workflows import AdminTaskChooser
from wagtail.images.widgets import AdminImageChooser
from wagtail.snippets.widgets import AdminSnippetChooser

from beacon.content.models import CampaignPage, HomePage, Theme
from beacon.core import wagtail_hooks  # noqa: F401 - wraps BaseChooser.render (as Wagtail's hook search does)
from beacon.core.wagtail_hooks import inert_chooser_script
from beacon.qanda.models import AnswerSheet

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """The <script> elements of a page, and the inert elements Beacon prints for them."""

    def __init__(self, html):
        super().__init__()
        self.scripts, self.inert = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if "data-beacon-admin-init" in attrs:
            self.inert.append(attrs)

    def executable_inline_scripts(self):
        # A <script> with a src is allowed by script-src 'self'; a JSON data block is never run.
        return [s for s in self.scripts if "src" not in s and s.get("type") != "application/json"]


def inert(html, name):
    return [attrs for attrs in Tags(html).inert if attrs["data-beacon-admin-init"] == name]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def admin_client(make_staff, staff_client):
    return staff_client(make_staff(None, superuser=True))


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_inline_panel_edit_form_has_no_inline_script(demo, admin_client):
    sheet = AnswerSheet.objects.first()
    html = get(admin_client, f"/admin/snippets/qanda/answersheet/edit/{sheet.pk}/")
    assert Tags(html).executable_inline_scripts() == []
    [panel] = inert(html, "InlinePanel")
    options = json.loads(panel["data-options"])
    assert options["formsetPrefix"] == "id_items"
    assert options["emptyChildFormPrefix"] == "items-__prefix__"
    assert "hidden" in panel


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/pages/",  # the explorer's date filters
        "/admin/users/",
        "/admin/redirects/add/",  # a page chooser
        "/admin/workflows/add/",
    ],
)
def test_admin_pages_have_no_inline_script(admin_client, url):
    assert Tags(get(admin_client, url)).executable_inline_scripts() == []


def test_page_edit_views_have_no_inline_script(demo, admin_client):
    for page in (HomePage.objects.first(), CampaignPage.objects.first()):
        html = get(admin_client, f"/admin/pages/{page.pk}/edit/")
        assert Tags(html).executable_inline_scripts() == [], page
        # The scheduled publishing dialog's date-time pickers.
        assert {a["data-id"] for a in inert(html, "initDateTimeChooser")} == {"id_go_live_at", "id_expire_at"}
    # A campaign's dates and hero image.
    assert {a["data-id"] for a in inert(html, "initDateChooser")} == {"id_start_date", "id_end_date"}
    [image] = inert(html, "ImageChooser")
    assert image["data-id"] == "id_hero_image"
    assert json.loads(image["data-config"]) == {"modalUrl": "/admin/images/chooser/"}


@pytest.mark.parametrize(
    ("widget", "function"),
    [
        (AdminDateInput, "initDateChooser"),
        (AdminTimeInput, "initTimeChooser"),
        (AdminDateTimeInput, "initDateTimeChooser"),
    ],
)
def test_date_widgets_render_inert_markup(widget, function):
    widget = widget()
    html = widget.render("when", None, {"id": "id_when"})
    tags = Tags(html)
    assert tags.scripts == []
    [element] = tags.inert
    assert element["data-beacon-admin-init"] == function
    assert element["data-id"] == "id_when"
    assert json.loads(element["data-config"]) == widget.get_config()
    assert 'id="id_when"' in html  # Django's own input is still there


@pytest.mark.parametrize(
    ("widget", "name", "config"),
    [
        (lambda: AdminPageChooser(), "PageChooser", {"modalUrl": "/admin/choose-page/"}),
        (lambda: AdminImageChooser(), "ImageChooser", {"modalUrl": "/admin/images/chooser/"}),
        (
            lambda: AdminSnippetChooser(Theme),
            "SnippetChooser",
            {"modalUrl": "/admin/snippets/choose/content/theme/"},
        ),
        (lambda: AdminTaskChooser(), "createTaskChooser", None),
    ],
)
def test_chooser_widgets_render_inert_markup(widget, name, config):
    html = widget().render("item", None, {"id": "id_item"})
    tags = Tags(html)
    assert tags.scripts == []
    [element] = tags.inert
    assert element["data-beacon-admin-init"] == name
    assert element["data-id"] == "id_item"
    if config is None:
        assert "data-config" not in element
    else:
        assert json.loads(element["data-config"]).items() >= config.items()
    assert 'id="id_item-chooser"' in html


def test_inert_chooser_script_escapes_its_arguments():
    html = inert_chooser_script('<div></div><script>new PageChooser("id_x", {"title": "\\"><b>"});</script>')
    assert html == (
        '<div></div><span hidden data-beacon-admin-init="PageChooser" data-id="id_x"'
        ' data-config="{&quot;title&quot;: &quot;\\&quot;&gt;&lt;b&gt;&quot;}"></span>'
    )


@pytest.mark.parametrize(
    "html",
    [
        "<div></div>",
        "<div></div><script>alert(1)</script>",
        "<div></div><script>new PageChooser(id_x);</script>",  # not JSON
        '<div></div><script>new PageChooser("a", {}, {});</script>',  # more arguments than the span carries
    ],
)
def test_inert_chooser_script_leaves_other_html_alone(html):
    assert inert_chooser_script(html) == html


def test_multiple_chooser_panel_renders_inert_markup():
    formset = forms.formset_factory(forms.Form)(prefix="gallery")
    html = render_to_string(
        "wagtailadmin/panels/multiple_chooser_panel.html",
        {
            "self": SimpleNamespace(
                formset=formset, children=[], empty_child=None, label="Gallery", help_text=""
            ),
            "options_json": json.dumps({"formsetPrefix": "id_gallery", "chooserFieldName": "image"}),
            "chooser_widget_definition": {"_type": "wagtail.images.widgets.ImageChooser", "_args": []},
        },
    )
    tags = Tags(html)
    assert tags.executable_inline_scripts() == []
    assert [s["id"] for s in tags.scripts] == ["id_gallery-CHOOSER_WIDGET"]  # the JSON data block stays
    [panel] = tags.inert
    assert panel["data-beacon-admin-init"] == "MultipleChooserPanel"
    assert json.loads(panel["data-options"])["formsetPrefix"] == "id_gallery"


def test_admin_loads_the_csp_script_after_wagtails_own(admin_client):
    html = get(admin_client, "/admin/")
    sources = [s.get("src", "") for s in Tags(html).scripts]
    core = next(i for i, src in enumerate(sources) if "wagtailadmin/js/core.js" in src)
    ours = sources.index("/static/beacon/admin-csp.js")
    assert core < ours
    assert "defer" in Tags(html).scripts[ours]


def test_admin_keeps_the_strict_policy(admin_client):
    policy = admin_client.get("/admin/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in policy


def test_admin_avatars_never_come_from_gravatar():
    assert getattr(settings, "WAGTAIL_GRAVATAR_PROVIDER_URL", "//www.gravatar.com/avatar") is None
