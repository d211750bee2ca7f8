"""Live Q&A: sessions, the questions people send (by web form or by email), and the published answers.

A session moves open -> live -> answered -> closed (services.SESSION_TRANSITIONS). Questions are moderated
(pending -> approved / rejected / merged), answered live by the host, and afterwards copied into an
`AnswerSheet`: a Wagtail snippet under the same moderation workflow as the campaign pages, so the public
page of answers changes only when a campaign approver approves it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    RevisionMixin,
    WorkflowMixin,
)

from .panels import CappedInlinePanel

QUESTION_MAX = 500  # what a person may type on the web form
EMAIL_QUESTION_MAX = 2000  # what is kept of an email's text (moderators edit it down for publication)
PUBLISHED_QUESTION_MAX = 600
ANSWER_MAX = 3000
DISPLAY_NAME_MAX = 40
ANSWERS_MAX = 200


class QandASession(models.Model):
    OPEN = "open"
    LIVE = "live"
    ANSWERED = "answered"
    CLOSED = "closed"
    STATES = [
        (OPEN, "Open for questions"),
        (LIVE, "Live now"),
        (ANSWERED, "Answered"),
        (CLOSED, "Closed"),
    ]
    ACCEPTING = (OPEN, LIVE)

    PLATFORMS = [
        ("website", "On this website"),
        ("facebook", "Facebook Live"),
        ("instagram", "Instagram Live"),
        ("x", "X (Twitter)"),
        ("youtube", "YouTube"),
        ("beat_bus", "In person on the Beat Bus"),
        ("in_person", "In person"),
    ]

    title = models.CharField("topic", max_length=160)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Used in the web address and in the email address for questions (qanda+slug@…).",
    )
    summary = models.TextField(
        max_length=600, blank=True, help_text="What the session is about, in a sentence or two."
    )
    host = models.ForeignKey(
        "content.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="qanda_sessions"
    )
    platform = models.CharField(max_length=20, choices=PLATFORMS, default="website")
    link = models.URLField(
        blank=True,
        max_length=300,
        help_text="Where to watch, such as the force's Facebook page (https only).",
    )
    location = models.CharField(
        max_length=160, blank=True, help_text="For a session in person: where, such as the Beat Bus stop."
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    campaign_week = models.ForeignKey(
        "content.CampaignWeekPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qanda_sessions",
    )
    state = models.CharField(max_length=10, choices=STATES, default=OPEN, db_index=True)
    allow_replies = models.BooleanField(
        default=False,
        help_text="Keep the sender's email address for questions sent by email, so staff can reply. "
        "Leave unticked to keep no addresses.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "Q&A session"
        permissions = [("run_qandasession", "Can run a live Q&A session and answer questions")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="qanda_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("qanda:session", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must be after the start"
        if self.link and not self.link.lower().startswith("https://"):
            errors["link"] = "Enter a link that starts with https://"
        if not self.slug and self.title:
            self.slug = slugify(self.title)[:60]
        if errors:
            raise ValidationError(errors)

    @property
    def accepting_questions(self) -> bool:
        return self.state in self.ACCEPTING

    @property
    def is_live(self) -> bool:
        return self.state == self.LIVE

    @property
    def email_address(self) -> str:
        """The address for this session's questions: the Q&A mailbox with the slug as a sub-address."""
        address = settings.BEACON_QANDA_EMAIL_ADDRESS
        if not address or "@" not in address:
            return ""
        local, domain = address.rsplit("@", 1)
        return f"{local}+{self.slug}@{domain}"


class QuestionTheme(models.Model):
    """How published answers are grouped: reporting, county lines, support for families…"""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "Q&A theme"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)


class Question(models.Model):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"
    ANSWERED = "answered"
    STATUSES = [
        (PENDING, "Waiting for moderation"),
        (APPROVED, "Approved"),
        (REJECTED, "Rejected"),
        (MERGED, "Merged into another question"),
        (ANSWERED, "Answered"),
    ]
    WEB = "web"
    EMAIL = "email"
    SOURCES = [(WEB, "Web form"), (EMAIL, "Email")]

    session = models.ForeignKey(QandASession, on_delete=models.CASCADE, related_name="questions")
    source = models.CharField(max_length=5, choices=SOURCES, default=WEB)
    # The words and name as sent are kept for staff until the question is done with (services.
    # question_originals_remove): then a published question keeps only its published words and name, and
    # one never published keeps none (blank text).
    text = models.TextField(
        max_length=EMAIL_QUESTION_MAX,
        blank=True,
        help_text="As received. Kept for staff only, for a set time after the session.",
    )
    display_name = models.CharField(
        max_length=DISPLAY_NAME_MAX,
        blank=True,
        help_text="As given. Kept for staff only, for a set time after the session.",
    )
    publication_name = models.CharField(
        max_length=DISPLAY_NAME_MAX,
        blank=True,
        help_text="The name shown with the question: the name given until a moderator edits it. "
        "Blank: no name is shown.",
    )
    publication_text = models.TextField(
        max_length=PUBLISHED_QUESTION_MAX,
        blank=True,
        help_text="The question as it will be shown: names and personal details removed.",
    )
    theme = models.ForeignKey(
        QuestionTheme, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING, db_index=True)
    rejection_reason = models.TextField(
        max_length=500, blank=True, help_text="Internal: never shown to the public."
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    asked_count = models.PositiveIntegerField(
        default=1, help_text="This question and the duplicates merged into it."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order in the host's live view.")
    answer = models.TextField(max_length=ANSWER_MAX, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(db_index=True)
    reply_to = models.EmailField(
        blank=True, help_text="Only kept for email questions to sessions that allow replies."
    )
    attachments_dropped = models.PositiveSmallIntegerField(default=0)
    original_removed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the words and name as sent were replaced by the published ones, or deleted.",
    )
    # A random token from the web form, so a refreshed or repeated submission counts once.
    submission_token = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["position", "received_at", "id"]
        permissions = [("moderate_question", "Can moderate Q&A questions")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "submission_token"],
                condition=~models.Q(submission_token=""),
                name="qanda_question_submitted_once",
            ),
            models.CheckConstraint(condition=models.Q(asked_count__gte=1), name="qanda_asked_at_least_once"),
        ]
        indexes = [models.Index(fields=["session", "status", "position"])]

    def __str__(self) -> str:
        return self.shown_text[:80]

    @property
    def shown_text(self) -> str:
        """The words the public (and the host) see: the edited text when there is one."""
        return self.publication_text or self.text

    @property
    def original_deleted(self) -> bool:
        """Never published, and its words, name and any reason were deleted on schedule: nothing is left to
        moderate."""
        return self.original_removed_at is not None and not self.text


class ReceivedEmail(models.Model):
    """One message read from the Q&A mailbox, whatever became of it. A message is read once: the
    (mailbox, uidvalidity, uid) and the Message-ID digest are unique, so a re-run never duplicates.

    The digest is keyed (beacon.qanda.email_intake._digest), so the sender's copy of the email cannot be
    matched to it without the site's secret key. Records are kept only as long as they can stop a message
    being read twice: `qanda_purge` deletes them KEEP_DAYS after they were read (services.received_emails_delete),
    except those a person must still read in the mailbox (outcome "failed"), which carry no digest and no
    question."""

    # A message is read again only while a copy of it can still reach the mailbox: the same email sent to two
    # of our addresses arrives at once, and one sent again by a mail server that did not hear it was delivered
    # arrives within the days such servers keep trying (4 or 5 at most). A week covers both.
    KEEP_DAYS = 7

    QUESTION = "question"
    EMPTY = "empty"
    REFUSED = "refused"
    NO_SESSION = "no_session"
    SESSION_CLOSED = "session_closed"
    DUPLICATE = "duplicate"
    UNREADABLE = "unreadable"
    FAILED = "failed"
    OUTCOMES = [
        (QUESTION, "Became a question"),
        (EMPTY, "No question text"),
        (REFUSED, "Refused (links only or code)"),
        (NO_SESSION, "No session open for questions"),
        (SESSION_CLOSED, "Session no longer taking questions"),
        (DUPLICATE, "Same message already read"),
        (UNREADABLE, "Could not be read"),
        (FAILED, "Not processed: kept in the mailbox"),
    ]

    mailbox = models.CharField(max_length=200)
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    message_id_digest = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, choices=OUTCOMES)
    note = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    attachments_dropped = models.PositiveSmallIntegerField(default=0)
    # Runs that tried and failed to process the message (outcome "failed"); it stays in the mailbox meanwhile.
    attempts = models.PositiveSmallIntegerField(default=0)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-read_at", "-id"]
        verbose_name = "received email"
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"], name="qanda_email_read_once"),
            models.UniqueConstraint(
                fields=["message_id_digest"],
                condition=~models.Q(message_id_digest=""),
                name="qanda_email_message_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} #{self.uid}: {self.get_outcome_display()}"


class AnswerSheet(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """The published questions and answers of one session. Staff prepare it from the answered questions;
    it reaches the public only through Wagtail's moderation workflow (a campaign approver publishes)."""

    session = models.OneToOneField(QandASession, on_delete=models.CASCADE, related_name="answer_sheet")
    introduction = models.TextField(max_length=1000, blank=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="qanda_answer_sheet")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="qanda_answer_sheet",
        for_concrete_model=False,
    )

    panels = [
        FieldPanel("introduction"),
        CappedInlinePanel(
            "items",
            label="Question and answer",
            max_num=ANSWERS_MAX,
            too_many_message="A session can have up to %(num)d questions and answers. Remove some, or merge "
            "questions that ask the same thing",
        ),
    ]

    class Meta:
        verbose_name = "Q&A answers"
        verbose_name_plural = "Q&A answers"

    def __str__(self) -> str:
        return f"Answers: {self.session.title}"

    @property
    def revisions(self):
        return self._revisions


class PublishedAnswer(Orderable):
    sheet = ParentalKey(AnswerSheet, on_delete=models.CASCADE, related_name="items")
    theme = models.CharField(max_length=80, blank=True)
    question = models.TextField(max_length=PUBLISHED_QUESTION_MAX)
    asked_by = models.CharField(max_length=DISPLAY_NAME_MAX, blank=True)
    asked_count = models.PositiveIntegerField(default=1)
    answer = models.TextField(max_length=ANSWER_MAX)

    panels = [
        FieldPanel("theme"),
        FieldPanel("question"),
        FieldPanel("asked_by"),
        FieldPanel("asked_count"),
        FieldPanel("answer"),
    ]

    def __str__(self) -> str:
        return self.question[:80]
