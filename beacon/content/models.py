"""Beacon's Wagtail pages and the snippets editors manage beside them.

Page tree: HomePage (site root) → CampaignIndexPage (/campaigns/) → CampaignPage → CampaignWeekPage.
Rules about one page live in `clean()`; rules that need the parent page (week dates inside the campaign,
duplicate week numbers) live in the admin form (`CampaignWeekPageForm`) because a page being created has
no place in the tree yet, and are repeated in `clean()` for pages that already have one.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Page,
    PageViewRestriction,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.snippets.blocks import SnippetChooserBlock

from . import memo
from .blocks import body_blocks
from .cache import mark_cacheable
from .selectors import public, under_unpublished_page
from .text import without_control_characters

# Rich text features that keep pages accessible: no arbitrary headings levels, no embeds.
SIMPLE_RICH_TEXT = ["bold", "italic", "link", "ol", "ul"]


# A path on this site: one leading "/", never "//" or "/\" (which browsers take as another host), and no
# whitespace or control characters (browsers drop tabs and newlines from a URL, so "/\t/host" is "//host").
LOCAL_PATH = re.compile(r"/(?![/\\])[^\s\\\x00-\x1f\x7f]*")


def is_local_path(url: str) -> bool:
    return bool(url) and LOCAL_PATH.fullmatch(url) is not None


class PromoBlock(blocks.StructBlock):
    """A promotion on the home page: a heading linking to a page editors choose or to a path on this site."""

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

    def clean(self, value):
        value = super().clean(value)
        url = value.get("url") or ""
        if url and not is_local_path(url):
            message = "Enter a path on this site that starts with /, such as /report/, or choose a page"
        elif not url and value.get("page") is None:
            message = "Choose a page, or enter a path on this site such as /report/"
        else:
            return value
        raise StructBlockValidationError(block_errors={"url": ValidationError(message)})

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["href"] = self.href(value)
        return context

    @staticmethod
    def href(value) -> str | None:
        """Where the heading links: the chosen page while it is live, else the path; None for a value saved
        before paths were checked that is not one (the heading then shows without a link)."""
        page = value.get("page")
        if page is not None and page.live and (url := page.url):
            return url
        url = value.get("url") or ""
        return url if is_local_path(url) else None


# --- Sharing metadata -----------------------------------------------------------------------------

# What a page says about itself in search engines and shared links when editors have written nothing for it.
DEFAULT_DESCRIPTION = (
    "Help keep young people safe from drugs and exploitation: tell us what you know, anonymously if you "
    "wish, and find advice and support."
)


class SocialMetaMixin:
    """What a shared link's card shows: the page's description and, if it has one, its hero image."""

    # The page's own text that describes it, in order of preference, after the Promote tab's search description.
    description_fields = ("summary", "intro", "hero_text")

    @property
    def page_description(self) -> str:
        """The description editors wrote for the page, on one line; empty if they wrote none."""
        for text in (self.search_description, *(getattr(self, name, "") for name in self.description_fields)):
            text = " ".join((text or "").split())
            if text:
                return text
        return ""

    @property
    def social_description(self) -> str:
        """Never empty: search engines and shared-link cards show something even for a page with no text."""
        return self.page_description or DEFAULT_DESCRIPTION

    @property
    def public_title(self) -> str:
        """What the public pages call this page: in its heading, the browser's title bar, search results and
        shared links. Its title, but for a campaign week (CampaignWeekPage.public_title)."""
        return self.title

    @property
    def social_image(self):
        return getattr(self, "hero_image", None)

    @property
    def social_image_alt(self) -> str:
        return getattr(self, "hero_image_alt", "")


class PublishedSnippetsPageForm(WagtailAdminPageForm):
    """Every public page's edit form: when it publishes the page now, the themes, officers and support services
    the page names must be published (a draft may name any). The other ways of publishing check the same in
    PublicPageMixin.publish."""

    def publishes_now(self) -> bool:
        """Publish, or Approve in the edit form (the workflow's last step publishes), and not for later."""
        data = self.data
        publishing = bool(data.get("action-publish")) or (
            bool(data.get("action-workflow-action")) and data.get("workflow-action-name") == "approve"
        )
        go_live_at = self.cleaned_data.get("go_live_at")
        return (
            publishing
            and not self.is_deferred_validation
            and not (go_live_at and go_live_at > timezone.now())
        )

    def clean(self):
        cleaned = super().clean()
        if self.publishes_now():
            for field, error in unpublished_snippet_field_errors(self.instance, chosen=cleaned).items():
                if field not in self.errors:
                    self.add_error(field, error)
        return cleaned


class PublicPageMixin(SocialMetaMixin):
    """Beacon's public pages: sharing metadata, plain text without control characters, and responses the
    page cache may keep (see cache.py: only anonymous, cookie-free responses are ever stored). Published only
    with the themes, officers and support services they name published too."""

    base_form_class = PublishedSnippetsPageForm

    def full_clean(self, *args, **kwargs):
        self.strip_control_characters()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        # What Wagtail runs instead of full_clean when a draft is saved.
        self.strip_control_characters()
        super().minimal_clean()

    def publish(self, revision, *args, **kwargs):
        # Every way of publishing but the edit form's Publish (which checks in the form, beside the field):
        # approving in the workflow, bulk publishing, the scheduled run. A change scheduled for later is checked
        # when its time comes.
        if errors := snippet_errors_on_publishing(revision.as_object()):
            raise ValidationError(errors)
        return super().publish(revision, *args, **kwargs)

    def strip_control_characters(self) -> None:
        """Drop control characters pasted into plain text fields (titles, summaries, intros, alt text…):
        they show as nothing, and XML (the news feed) cannot carry them at all. Rich text is left alone."""
        for field in self._meta.concrete_fields:
            plain = isinstance(field, models.CharField | models.TextField)
            if not plain or isinstance(field, RichTextField):
                continue
            value = getattr(self, field.attname)
            if isinstance(value, str) and (cleaned := without_control_characters(value)) != value:
                setattr(self, field.attname, cleaned)

    def get_view_restrictions(self):
        """Wagtail asks on every request; most sites restrict nothing, so skip the query unless this page or
        an ancestor is restricted (the list of restricted pages is remembered per generation)."""
        restricted = memo.remember(
            ("restricted-paths",),
            lambda: tuple(PageViewRestriction.objects.values_list("page__path", flat=True)),
        )
        if self.alias_of_id or any(self.path.startswith(path) for path in restricted):
            return super().get_view_restrictions()
        return PageViewRestriction.objects.none()

    def route(self, request, path_components):
        # Wagtail serves a live page whatever the pages above it are; Beacon does not (selectors.public).
        if not path_components and under_unpublished_page(self):
            raise Http404
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if not getattr(request, "is_preview", False):
            mark_cacheable(response)
        return response


class HomePage(PublicPageMixin, Page):
    """The site root: what Beacon is for, the way to report, and promotions editors choose."""

    hero_heading = models.CharField(
        max_length=120, default="Help keep young people safe from drugs and exploitation"
    )
    hero_text = models.TextField(
        max_length=400,
        default="Tell us what you know about drug dealing, county lines or a child being exploited. You can stay anonymous.",
    )
    promos = StreamField([("promo", PromoBlock())], blank=True, max_num=6)
    promote_current_week = models.BooleanField(
        default=True,
        help_text="Show the campaign week running today (or the next one) above the promotions.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_heading"),
        FieldPanel("hero_text"),
        FieldPanel("promote_current_week"),
        FieldPanel("promos"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "content/home_page.html"

    def route(self, request, path_components):
        """Find the page for a URL in one step by its url_path, remembered per generation, instead of one
        query per level; any path it cannot place (such as a routable page's sub-route) takes Wagtail's walk."""
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = memo.remember(("route", self.pk, url_path), lambda: self._page_at(url_path))
            if page is not None:
                return page.route(request, [])
        return super().route(request, path_components)

    def _page_at(self, url_path: str):
        page = (
            Page.objects.filter(url_path=url_path, path__startswith=self.path)
            .only("id", "content_type")
            .first()
        )
        return page.specific_class.objects.get(pk=page.pk) if page is not None else None

    def get_context(self, request, *args, **kwargs):
        from .selectors import current_campaign_week

        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        context["today"] = today
        if self.promote_current_week:
            context["current_week"] = current_campaign_week(on=today)
        return context


# --- Snippets -------------------------------------------------------------------------------------
# Themes, officers and support services reach the public on many pages (a helpline number on every advice page),
# so they go through the same approval as pages: an editor's change is a draft until a campaign approver
# publishes it (the "Campaign approval" workflow, assigned to them by migration 0011). The row holds what is
# live; public pages show a snippet only while it is live (`live`: published, not unpublished).


class PublishedSnippet(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    class Meta:
        abstract = True

    def publish(self, revision, *args, **kwargs):
        # A change can wait for approval while another theme or service takes the same name: refuse it here,
        # as the edit form would, rather than fail in the database (the approver is told why).
        revision.as_object().validate_unique()
        return super().publish(revision, *args, **kwargs)


def unpublished_snippet_errors(obj, chosen: dict | None = None) -> dict[str, list[str]]:
    """The messages, by field, for the themes, officers and support services a page (or an event, a Q&A
    session) points to that are not live (a draft never published, or unpublished): public pages show a snippet
    only while it is live, so the page would go out without it. Saving a draft that points to one is fine;
    publishing it is not, until the snippet is published. `chosen` holds values a form has cleaned but not yet
    put on the page, by field name."""
    return {
        name: list(dict.fromkeys(_block_messages(error)))
        for name, error in unpublished_snippet_field_errors(obj, chosen).items()
    }


def unpublished_snippet_field_errors(obj, chosen: dict | None = None) -> dict[str, ValidationError]:
    """unpublished_snippet_errors as a form shows them: beside a chooser field, and in a StreamField beside
    each chosen snippet (a support service in an advice page's list of services)."""
    errors = {}
    for field in obj._meta.concrete_fields:
        if field.is_relation and issubclass(field.related_model, PublishedSnippet):
            if chosen is not None and field.name in chosen:
                snippet = chosen[field.name]
            else:
                snippet_id = getattr(obj, field.attname)
                snippet = (
                    None if snippet_id is None else field.related_model.objects.filter(pk=snippet_id).first()
                )
            if snippet is not None and not snippet.live:
                label = field.verbose_name
                errors[field.name] = ValidationError(
                    f"Publish the {label} first: {snippet} is not published yet, so the page would show no {label}"
                )
        elif isinstance(field, StreamField):
            value = (
                chosen[field.name]
                if chosen is not None and field.name in chosen
                else getattr(obj, field.name)
            )
            if error := _unpublished_in_block(field.stream_block, value):
                errors[field.name] = error
    return errors


def _unpublished_in_block(block, value) -> ValidationError | None:
    """The error for the snippets chosen in a block's value that are not live, nested as the block is (so
    that the editor shows each beside its chooser); None when there are none."""
    if isinstance(block, SnippetChooserBlock):
        model = block.target_model
        if issubclass(model, PublishedSnippet) and value is not None and not value.live:
            return ValidationError(
                f"Publish the {model._meta.verbose_name} first: {value} is not published yet, so the page "
                "would not show it"
            )
        return None
    if isinstance(block, blocks.StreamBlock):
        children = [(index, child.block, child.value) for index, child in enumerate(value or [])]
        error_class = StreamBlockValidationError
    elif isinstance(block, blocks.ListBlock):
        children = [(index, block.child_block, item) for index, item in enumerate(value or [])]
        error_class = ListBlockValidationError
    elif isinstance(block, blocks.StructBlock):
        children = [(name, child, (value or {}).get(name)) for name, child in block.child_blocks.items()]
        error_class = StructBlockValidationError
    else:
        return None
    found = {
        key: error
        for key, child, child_value in children
        if (error := _unpublished_in_block(child, child_value))
    }
    return error_class(block_errors=found) if found else None


def _block_messages(error: ValidationError) -> list[str]:
    """The messages of an error and of the errors nested in it (block errors), in order."""
    nested = getattr(error, "block_errors", None)
    if nested:
        return [message for child in nested.values() for message in _block_messages(child)]
    return error.messages


def snippet_errors_on_publishing(page) -> dict[str, list[str]]:
    """unpublished_snippet_errors for a page about to be published, unless it is to go live later: then they
    are checked when its time comes (services.scheduled_publishing_run)."""
    if page.go_live_at and page.go_live_at > timezone.now():
        return {}
    return unpublished_snippet_errors(page)


class Theme(PublishedSnippet, index.Indexed):
    """A campaign theme from a managed list: drug harm, knife crime, violence against women and girls…"""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, blank=True, help_text="Made from the name if left empty."
    )
    description = models.TextField(max_length=400, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.slug:
            self.slug = slugify(self.name)[:80]
            if not self.slug:
                raise ValidationError({"name": "Enter a name with at least one letter or number"})
            if Theme.objects.filter(slug=self.slug).exclude(pk=self.pk).exists():
                raise ValidationError({"slug": "Another theme already uses this slug: enter a different one"})


class Officer(PublishedSnippet, index.Indexed):
    """An officer who leads a campaign week or hosts a Q&A. Public: rank, name and role only."""

    rank = models.CharField(max_length=60, help_text="For example: Inspector, Sergeant, PC, PCSO.")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=160, help_text="For example: Neighbourhood Inspector, Northampton.")
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldRowPanel([FieldPanel("rank"), FieldPanel("name")]),
        FieldPanel("role"),
        FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("role"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.rank} {self.name}".strip()

    @property
    def photo_alt(self) -> str:
        return f"Photograph of {self.display_name}"


class SupportService(PublishedSnippet, index.Indexed):
    """A national or local support service with its public contact details, listed on advice pages."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(max_length=500, help_text="Who it is for and what it offers.")
    phone = models.CharField(
        max_length=30, blank=True, help_text="As people dial it, for example: 0800 1111."
    )
    phone_hours = models.CharField(max_length=120, blank=True, help_text="For example: 24 hours, every day.")
    text_number = models.CharField(max_length=30, blank=True, help_text="A number people can text, if any.")
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers are listed first.")

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("phone_hours")]),
        FieldPanel("text_number"),
        FieldPanel("website"),
        FieldPanel("email"),
        FieldPanel("sort_order"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if not (self.phone or self.text_number or self.website or self.email):
            raise ValidationError("Enter at least one way to contact the service")

    @property
    def phone_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")

    @property
    def text_href(self) -> str:
        return "sms:" + "".join(ch for ch in self.text_number if ch.isdigit() or ch == "+")


# --- Campaigns ------------------------------------------------------------------------------------


def _hero_alt_errors(image, alt: str) -> dict[str, str]:
    if image is not None and not (alt or "").strip():
        return {"hero_image_alt": "Enter alt text that describes the image for people who cannot see it"}
    return {}


class CampaignIndexPage(PublicPageMixin, Page):
    """/campaigns/: every published campaign, current ones first."""

    intro = models.TextField(max_length=600, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.CampaignPage"]
    max_count = 1
    template = "content/campaign_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from .selectors import campaign_list

        context = super().get_context(request, *args, **kwargs)
        context["campaigns"] = campaign_list(index=self)
        return context


class CampaignPage(PublicPageMixin, Page):
    """One campaign, such as a multi-week week of action, made of CampaignWeekPages."""

    hashtag = models.CharField(
        max_length=60, blank=True, help_text="Without the #, for example: NeneValleyWeekOfAction."
    )
    start_date = models.DateField()
    end_date = models.DateField()
    summary = models.TextField(
        max_length=600, help_text="One or two sentences shown in listings and shared links."
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_image_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="Required with a hero image: describe what it shows.",
    )
    body = RichTextField(features=SIMPLE_RICH_TEXT, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("hashtag"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading="Hero image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("hashtag"),
    ]
    parent_page_types = ["content.CampaignIndexPage"]
    subpage_types = ["content.CampaignWeekPage"]
    template = "content/campaign_page.html"

    class Meta:
        verbose_name = "campaign"

    def clean(self):
        super().clean()
        errors = _hero_alt_errors(self.hero_image, self.hero_image_alt)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be the same as or after the start date"
        self.hashtag = (self.hashtag or "").strip().lstrip("#")
        if self.hashtag and not self.hashtag.replace("_", "").isalnum():
            errors["hashtag"] = "A hashtag can only contain letters, numbers and underscores"
        if "end_date" not in errors:
            errors.update(self._weeks_outside_errors())
        if errors:
            raise ValidationError(errors)

    def _weeks_outside_errors(self) -> dict[str, str]:
        """Its weeks (drafts too) must stay within the campaign's dates when the dates change."""
        if not (self.path and self.start_date and self.end_date):
            return {}
        weeks = list(CampaignWeekPage.objects.child_of(self).order_by("week_number"))
        errors = {}
        early = [week for week in weeks if week.start_date < self.start_date]
        if early:
            errors["start_date"] = _weeks_outside(early, min(w.start_date for w in early), "start", "before")
        late = [week for week in weeks if week.end_date > self.end_date]
        if late:
            errors["end_date"] = _weeks_outside(late, max(w.end_date for w in late), "end", "after")
        return errors

    def weeks(self):
        return public(CampaignWeekPage.objects.live().child_of(self)).order_by("week_number")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["weeks"] = self.weeks().select_related("theme", "lead_officer")
        return context


class ActivityBlock(blocks.StructBlock):
    """An activity editors list by hand while events and Q&A sessions are not linked to the week."""

    title = blocks.CharBlock(max_length=120)
    date = blocks.DateBlock(required=False)
    place = blocks.CharBlock(max_length=120, required=False)
    description = blocks.TextBlock(max_length=400, required=False)

    class Meta:
        icon = "date"
        template = "content/blocks/activity.html"


class CampaignWeekPageForm(PublishedSnippetsPageForm):
    """Checks that need the parent campaign: dates inside it and one page per week number. (And, as every public
    page's form, that its theme and lead officer are published when it publishes the week now.)"""

    def clean(self):
        cleaned = super().clean()
        parent = self.parent_page if getattr(self, "parent_page", None) else self.instance.get_parent()
        campaign = parent.specific if parent is not None else None
        if isinstance(campaign, CampaignPage):
            for field, message in week_errors(
                campaign=campaign,
                week_number=cleaned.get("week_number"),
                start_date=cleaned.get("start_date"),
                end_date=cleaned.get("end_date"),
                exclude_pk=self.instance.pk,
            ).items():
                if field not in self.errors:
                    self.add_error(field, message)
        return cleaned


def week_errors(
    *,
    campaign: CampaignPage,
    week_number: int | None,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    exclude_pk: int | None,
) -> dict[str, str]:
    """Field errors for a week's number and dates inside `campaign` (empty when all is well)."""
    errors: dict[str, str] = {}
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = "The week's end date must be the same as or after its start date"
    if start_date and not campaign.start_date <= start_date <= campaign.end_date:
        errors["start_date"] = (
            f"The week must start during the campaign, between {campaign.start_date:%-d %B %Y} "
            f"and {campaign.end_date:%-d %B %Y}"
        )
    if end_date and "end_date" not in errors and not campaign.start_date <= end_date <= campaign.end_date:
        errors["end_date"] = (
            f"The week must end during the campaign, between {campaign.start_date:%-d %B %Y} "
            f"and {campaign.end_date:%-d %B %Y}"
        )
    if week_number is not None:
        siblings = CampaignWeekPage.objects.child_of(campaign)
        if exclude_pk:
            siblings = siblings.exclude(pk=exclude_pk)
        if siblings.filter(week_number=week_number).exists():
            errors["week_number"] = f"This campaign already has a week {week_number}: choose another number"
        elif pending := _pending_week_numbered(siblings, week_number):
            errors["week_number"] = (
                f"{pending} is to become week {week_number} (a change not yet published): choose another number"
            )
    return errors


def _pending_week_numbered(siblings, week_number: int) -> str | None:
    """The title of a sibling week whose latest revision, not yet published (waiting for approval, scheduled
    or a draft), gives it `week_number`; None if there is none. A live week's row keeps its published number
    until the change is published, so without this a second editor could take the number meanwhile, and the
    first change would then fail when approved or when its go-live time came."""
    from wagtail.models import Revision

    latest = siblings.filter(has_unpublished_changes=True).values("latest_revision_id")
    revision = Revision.objects.filter(pk__in=latest, content__week_number=week_number).first()
    if revision is None:
        return None
    return revision.content.get("title") or revision.object_str


def _weeks_outside(weeks, edge: datetime.date, verb: str, side: str) -> str:
    """The error for campaign dates that leave `weeks` outside: `verb` "start" or "end", `side` "before" or
    "after", `edge` the earliest start or latest end among them."""
    when = f"{edge:%-d %B %Y}"
    if len(weeks) == 1:
        return (
            f"Week {weeks[0].week_number} {verb}s on {when}: {verb} the campaign on or {side} that date, or change "
            "the week's dates first"
        )
    return (
        f"{_weeks_named(weeks)} {verb} {side} this date: {verb} the campaign on or {side} {when}, or change those "
        "weeks' dates first"
    )


def _weeks_named(weeks) -> str:
    numbers = [str(week.week_number) for week in weeks]
    return "Weeks " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _date_range(start: datetime.date, end: datetime.date) -> str:
    if start.year != end.year:
        return f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    if start.month != end.month:
        return f"{start:%-d %B} to {end:%-d %B %Y}"
    return f"{start:%-d} to {end:%-d %B %Y}"


def week_placement_problem(*, week: CampaignWeekPage, campaign: CampaignPage, copying: bool) -> str | None:
    """Why `week` cannot be moved (or copied) into `campaign` as it is, for the admin's move and copy
    screens, which cannot change its number or dates; None when it fits."""
    errors = week_errors(
        campaign=campaign,
        week_number=week.week_number,
        start_date=week.start_date,
        end_date=week.end_date,
        exclude_pk=None if copying else week.pk,
    )
    action = "copy" if copying else "move"
    if "week_number" in errors:
        fix = (
            "copy it to another campaign, or add a new week to this one"
            if copying
            else "change the number of one of the two weeks first"
        )
        reason = f"{campaign.title} already has a week {week.week_number}: {fix}"
    elif "start_date" in errors or "end_date" in errors:
        reason = (
            f"week {week.week_number} runs from {_date_range(week.start_date, week.end_date)}, outside "
            f"{campaign.title}’s dates ({_date_range(campaign.start_date, campaign.end_date)}): {action} it "
            f"to a campaign whose dates include the week’s, or change {campaign.title}’s dates first"
        )
    else:
        return None
    return f"You cannot {action} {week.title} to {campaign.title}: {reason}"


class CampaignWeekCopyForm(CopyForm):
    """Wagtail's copy form, refusing a copy that would break its campaign's rules (the copy keeps the week's
    number and dates, which the copy screen cannot change)."""

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("new_parent_page")
        campaign = parent.specific if parent is not None else None
        if isinstance(campaign, CampaignPage) and "new_parent_page" not in self.errors:
            problem = week_placement_problem(week=self.page.specific, campaign=campaign, copying=True)
            if problem:
                self.add_error("new_parent_page", problem)
        return cleaned


# "Week 1: ", "week 2 - ", "Week 3 – " at the start of a week's title (the name adds the week's own number).
WEEK_NUMBER_PREFIX = re.compile(r"^\s*week\s*\d+\s*[:\-\u2013\u2014,.]?\s*", re.IGNORECASE)


class CampaignWeekPage(PublicPageMixin, Page):
    """One week of a campaign: its theme, lead officer, focus and activities."""

    FOCUS_CHOICES = [
        ("education", "Education and engagement"),
        ("enforcement", "Enforcement"),
        ("prevention", "Prevention and early help"),
        ("support", "Support for victims and families"),
    ]

    week_number = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="weeks")
    lead_officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="weeks_led"
    )
    focus = models.CharField(max_length=20, choices=FOCUS_CHOICES, default="education")
    summary = models.TextField(
        max_length=600, help_text="One or two sentences shown in listings and shared links."
    )
    body = RichTextField(features=SIMPLE_RICH_TEXT, blank=True)
    planned_activities = StreamField(
        [("activity", ActivityBlock())],
        blank=True,
        help_text="Activities not yet listed as events or Q&A sessions.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("week_number"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("theme"),
        FieldPanel("lead_officer"),
        FieldPanel("focus"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("planned_activities"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    base_form_class = CampaignWeekPageForm
    copy_form_class = CampaignWeekCopyForm
    parent_page_types = ["content.CampaignPage"]
    subpage_types: list[str] = []
    template = "content/campaign_week_page.html"

    class Meta:
        verbose_name = "campaign week"
        ordering = ["start_date"]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def clean(self):
        super().clean()
        parent = self.get_parent() if self.path else None
        campaign = parent.specific if parent is not None else None
        if isinstance(campaign, CampaignPage):
            errors = week_errors(
                campaign=campaign,
                week_number=self.week_number,
                start_date=self.start_date,
                end_date=self.end_date,
                exclude_pk=self.pk,
            )
        elif self.start_date and self.end_date and self.end_date < self.start_date:
            errors = {"end_date": "The week's end date must be the same as or after its start date"}
        else:
            errors = {}
        if errors:
            raise ValidationError(errors)

    @property
    def subject(self) -> str:
        """What the week is about: its theme's name, or while the theme is not published, the page's title
        without any "Week 3:" it starts with. Capitalised, as a theme's name is."""
        if self.theme is not None and self.theme.live:
            return self.theme.name
        subject = WEEK_NUMBER_PREFIX.sub("", self.title) or self.title
        return subject[:1].upper() + subject[1:]

    @property
    def public_title(self) -> str:
        """The week's one name on the public site ("Week 1: Drug harm and county lines"): on the campaign
        page, its own page, news, Q&A sessions and search results, however editors wrote its title."""
        return f"Week {self.week_number}: {self.subject}"

    @property
    def campaign(self) -> CampaignPage | None:
        parent = self.get_parent()
        return parent.specific if parent is not None else None

    def get_context(self, request, *args, **kwargs):
        from .selectors import week_activities

        context = super().get_context(request, *args, **kwargs)
        context.update(week_activities(week=self))
        context["articles"] = memo.remember(
            ("week-articles", self.pk),
            lambda: list(
                public(NewsArticlePage.objects.live().filter(campaign_week=self))
                .select_related("campaign_week__theme")
                .order_by("-date")
            ),
        )
        return context


def public_week_ids() -> frozenset[int]:
    """Ids of the campaign weeks the public may see: live, under no unpublished page, with no view restriction
    on them or above them (selectors.public). Remembered per generation, which publishing, unpublishing or
    moving a page and any change of view restrictions renew: one query for a whole listing, none on most
    requests."""
    return memo.remember(
        ("public-week-ids",),
        lambda: frozenset(public(CampaignWeekPage.objects.live()).values_list("pk", flat=True)),
    )


# --- News -----------------------------------------------------------------------------------------


class NewsIndexPage(PublicPageMixin, Page):
    """/news/: articles newest first, filtered by campaign, week and theme, ten to a page."""

    intro = models.TextField(max_length=600, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.NewsArticlePage"]
    max_count = 1
    template = "content/news_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from .selectors import news_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(news_listing(index=self, params=request.GET))
        return context


class NewsArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.NewsArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsArticlePage(PublicPageMixin, Page):
    date = models.DateField("published on", default=timezone.localdate)
    summary = models.TextField(
        max_length=600, help_text="One or two sentences shown in listings and shared links."
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_image_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="Required with a hero image: describe what it shows.",
    )
    body = StreamField(body_blocks())
    tags = ClusterTaggableManager(through=NewsArticleTag, blank=True)
    campaign_week = models.ForeignKey(
        CampaignWeekPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="news_articles"
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading="Hero image"),
        FieldPanel("body"),
        FieldPanel("campaign_week"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["content.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "content/news_article_page.html"

    class Meta:
        verbose_name = "news article"
        indexes = [models.Index(fields=["-date"])]

    def clean(self):
        super().clean()
        errors = _hero_alt_errors(self.hero_image, self.hero_image_alt)
        if errors:
            raise ValidationError(errors)

    @property
    def public_week(self) -> CampaignWeekPage | None:
        """The article's campaign week if the public may see it, else None: news never names or links a week
        that is a draft, under a draft campaign, or private (login, password or groups) itself or above."""
        if self.campaign_week_id is None or self.campaign_week_id not in public_week_ids():
            return None
        return self.campaign_week

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["week"] = self.public_week
        context["tags"] = list(self.tags.all())
        return context


# --- Advice ---------------------------------------------------------------------------------------


class AdviceIndexPage(PublicPageMixin, Page):
    """/advice/: every advice topic and the support services."""

    intro = models.TextField(max_length=600, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.AdvicePage"]
    max_count = 1
    template = "content/advice_index_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["topics"] = public(AdvicePage.objects.live().child_of(self)).order_by("path")
        context["services"] = SupportService.objects.filter(live=True)
        return context


class AdvicePage(PublicPageMixin, Page):
    """Advice on one topic: signs of child criminal exploitation, county lines, cuckooing…"""

    summary = models.TextField(
        max_length=600, help_text="One or two sentences shown in listings and shared links."
    )
    body = StreamField(body_blocks(support_services=True))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["content.AdviceIndexPage"]
    subpage_types: list[str] = []
    template = "content/advice_page.html"

    class Meta:
        verbose_name = "advice page"


# --- Page cache -----------------------------------------------------------------------------------


class PageCacheGeneration(models.Model):
    """One row: a random value replaced in the same transaction as any change that public pages show.

    Cached pages are keyed by it, so every app process (and every app server sharing the database) stops
    serving a page the moment the change that made it stale commits. See beacon/content/cache.py.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "page cache generation"

    def __str__(self) -> str:
        return f"page cache generation {self.value}"
