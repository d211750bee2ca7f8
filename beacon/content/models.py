from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page


class PromoBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=300)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="A path on this site, such as /report/, if no page is chosen.",
    )

    class Meta:
        icon = "link"
        template = "content/blocks/promo.html"


class HomePage(Page):
    """The site root: what Beacon is for, the way to report, and promotions editors choose."""

    hero_heading = models.CharField(
        max_length=120, default="Help keep young people safe from drugs and exploitation"
    )
    hero_text = models.TextField(
        max_length=400,
        default="Tell us what you know about drug dealing, county lines or a child being exploited. You can stay anonymous.",
    )
    promos = StreamField([("promo", PromoBlock())], blank=True, max_num=6)

    content_panels = Page.content_panels + [
        FieldPanel("hero_heading"),
        FieldPanel("hero_text"),
        FieldPanel("promos"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "content/home_page.html"
