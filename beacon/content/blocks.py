"""StreamField blocks that stay accessible: text, headings at fixed levels, attributed quotes, images with
alt text, and a call to action that always leads to Report a concern."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

# No "document-link": Beacon serves no documents (rich_text.py).
RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Sub-heading")],
        default="h2",
        help_text="The page title is the only top-level heading.",
    )

    class Meta:
        icon = "title"
        template = "content/blocks/heading.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=1000)
    attribution = blocks.CharBlock(
        max_length=120, help_text="Who said it, for example: Inspector Nadia Rahman."
    )
    role = blocks.CharBlock(max_length=160, required=False, help_text="Their role, if it helps readers.")

    class Meta:
        icon = "openquote"
        template = "content/blocks/quote.html"


class AccessibleImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text="Describe what the image shows for people who cannot see it. Required unless decorative.",
    )
    decorative = blocks.BooleanBlock(
        required=False,
        help_text="Tick only if the image adds nothing to the text (it is then hidden from screen readers).",
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "content/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError("Enter alt text, or tick that the image is decorative")
                }
            )
        return value


class CallToActionBlock(blocks.StructBlock):
    """A prompt to report; it always links to the reporting journey so it cannot be pointed elsewhere."""

    heading = blocks.CharBlock(max_length=80, default="Seen something that worries you?")
    text = blocks.TextBlock(
        max_length=300,
        default="Tell us what you know. You do not have to give your name.",
    )
    button_text = blocks.CharBlock(max_length=40, default="Report a concern")

    class Meta:
        icon = "warning"
        template = "content/blocks/call_to_action.html"


class SupportServicesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Where to get help")
    services = blocks.ListBlock(SnippetChooserBlock("content.SupportService"), min_num=1)

    class Meta:
        icon = "help"
        template = "content/blocks/support_services.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # Only published services: a new one an editor chose is shown once a campaign approver publishes it.
        context["services"] = [
            service for service in value["services"] if service is not None and service.live
        ]
        return context


def body_blocks(*, support_services: bool = False) -> list:
    items = [
        (
            "paragraph",
            blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="content/blocks/paragraph.html"),
        ),
        ("heading", HeadingBlock()),
        ("quote", QuoteBlock()),
        ("image", AccessibleImageBlock()),
        ("call_to_action", CallToActionBlock()),
    ]
    if support_services:
        items.append(("support_services", SupportServicesBlock()))
    return items
