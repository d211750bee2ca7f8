"""Beacon serves no uploaded documents (config/urls.py mounts no wagtail.documents.urls): rich text offers no
document link, and one already stored shows as its text. Wagtail's own handler reverses 'wagtaildocs_serve',
so a page whose rich text linked a document was a 500 for every visitor."""

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.rich_text import expand_db_html, features

from .conftest import article

pytestmark = pytest.mark.django_db


def rich_text_features(block):
    """The feature lists of every rich text block inside a StreamField's block, at any depth."""
    if isinstance(block, blocks.RichTextBlock):
        yield block.features
    for child in getattr(block, "child_blocks", {}).values():
        yield from rich_text_features(child)
    if isinstance(block, blocks.ListBlock):
        yield from rich_text_features(block.child_block)


def test_no_rich_text_in_beacon_offers_document_links():
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("beacon."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, RichTextField):
                found.append((f"{model.__name__}.{field.name}", field.features))
            elif isinstance(field, StreamField):
                found += [
                    (f"{model.__name__}.{field.name}", f) for f in rich_text_features(field.stream_block)
                ]
    assert found, "no rich text found: the walk above has stopped finding Beacon's fields"
    for name, feature_list in found:
        # None would mean Wagtail's default features, which include document links.
        assert feature_list is not None and "document-link" not in feature_list, name
    assert "document-link" not in features.get_default_features()


@pytest.fixture
def leaflet(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return get_document_model().objects.create(
        title="Leaflet", file=ContentFile(b"%PDF-1.4 leaflet", name="leaflet.pdf")
    )


def test_a_stored_document_link_shows_as_its_text(client, tree, leaflet):
    body = [
        (
            "paragraph",
            f'<p>Read the <a linktype="document" id="{leaflet.pk}">leaflet</a>, or the '
            '<a linktype="document" id="999999">deleted one</a>, or <a href="https://example.org/">this</a>.</p>',
        )
    ]
    page = article(tree["news"], "With a leaflet", body=body)
    response = client.get(page.url, HTTP_HOST="localhost")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Read the <a>leaflet</a>, or the <a>deleted one</a>" in html
    assert 'href="https://example.org/"' in html  # other links are untouched
    assert "leaflet.pdf" not in html and "/documents/" not in html


def test_expanding_a_document_link_never_reverses_a_document_url(leaflet):
    assert expand_db_html(f'<a linktype="document" id="{leaflet.pk}">x</a>') == "<a>x</a>"
