"""Rich text without document links. Beacon serves no uploaded documents: config/urls.py mounts no
wagtail.documents.urls, so that a public site for worried residents serves no file someone uploaded (with its
own Content-Disposition, collection privacy and CSP to get right). No rich text offers the "document-link"
feature (blocks.RICH_TEXT_FEATURES, models.SIMPLE_RICH_TEXT), and a document link already stored, or pasted
in, shows as its text: Wagtail's own handler reverses 'wagtaildocs_serve', a 500 for every visitor."""

from wagtail import hooks
from wagtail.documents.rich_text import DocumentLinkHandler


class DocumentLinkAsText(DocumentLinkHandler):
    """A document link becomes `<a>` with no href, as Wagtail shows a link whose kind it does not know. The
    references stay indexed, so the admin still shows where a document was linked."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return ["<a>"] * len(attrs_list)


def register_hooks() -> None:
    # order=1: after wagtail.documents' own hook (order 0), whose handler for "document" this one replaces.
    hooks.register("register_rich_text_features", _document_links_as_text, order=1)


def _document_links_as_text(features) -> None:
    features.register_link_type(DocumentLinkAsText)
    # A rich text field or block given no feature list would otherwise offer document links.
    if "document-link" in features.default_features:
        features.default_features.remove("document-link")
