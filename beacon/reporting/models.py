"""What Beacon keeps about a report.

Only what queues and statistics need is stored in clear: categories, the danger and child flags, the
postcode district and neighbourhood, when it arrived, its status and priority. Everything the reporter
wrote (places, people, vehicles, numbers, handles, contact details, free text and files) is sealed with
the report public key (see `crypto.py`): the public site can write it, only the back office can read it.
Identifiers that staff link reports by are also kept as keyed HMAC blind indexes, which the back office writes
after the report is stored (`tasks.report_index`): the public site does not hold their key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

CATEGORY_CHOICES = [
    ("dealing", "Drug dealing from a place"),
    ("deal_line", "A county lines \u201cdeal line\u201d phone number"),
    ("cuckooing", "Someone\u2019s home taken over (cuckooing)"),
    ("child_exploitation", "A child or young person being exploited or groomed"),
    ("gang", "Someone being drawn into a gang"),
    ("weapons", "Weapons"),
    ("other", "Something else"),
]
CATEGORY_CODES = [code for code, _ in CATEGORY_CHOICES]

# Base priority computed on submit. Triage adds to it (linked reports, THRIVE).
PRIORITY_IMMEDIATE_DANGER = 1000
PRIORITY_CHILD = 500


class Report(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        ASSESSED = "assessed", "Assessed"
        ASSIGNED = "assigned", "Assigned"
        ACTIONED = "actioned", "Actioned"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=12, unique=True)  # e.g. "K7QM-2XDP"
    received_at = models.DateTimeField(db_index=True)
    categories = models.JSONField(default=list, blank=True)  # codes from CATEGORY_CHOICES
    immediate_danger = models.BooleanField(default=False)
    child_involved = models.BooleanField(default=False)  # the safeguarding flag
    # The reporter did not know whether a child is involved, and nothing else in the report says one is
    # (document.child_not_known): no priority of its own, but triage can find these reports and ask. False in
    # the database by default, so that the previous release can still store reports while this one rolls out.
    child_unknown = models.BooleanField(default=False, db_default=False)
    postcode_district = models.CharField(max_length=4, blank=True)  # outward code only, e.g. "NN1"
    neighbourhood = models.ForeignKey(
        "core.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    anonymous = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    priority = models.IntegerField(default=0, db_index=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking for staff edits
    sealed = models.BinaryField()  # sealed JSON of every answer (docs/report-content.md)
    receipt_hash = models.CharField(max_length=64, blank=True, db_index=True)  # anonymous only
    # An anonymous report made before receipts had a key of their own (BEACON_RECEIPT_KEY): its receipt_hash was
    # made with the blind-index key, which public servers no longer hold, so it is found by its reading key
    # (selectors.report_for_receipt). True in the database by default, so that a row written by the previous
    # release while this one is being rolled out counts as one too; this release writes False.
    receipt_legacy = models.BooleanField(default=False, db_default=True)
    # When the back office wrote the blind indexes of its identifiers (tasks.report_index); None until then.
    indexed_at = models.DateTimeField(null=True, blank=True)
    # So that an anonymous reporter can read staff questions with their receipt code alone: a key pair
    # made at submit, whose private half is locked with a key derived from the receipt code. Staff seal
    # questions to `reader_public_key`; nobody without the receipt code can open them from this side.
    reader_public_key = models.BinaryField(blank=True, default=b"")
    reader_locked_key = models.BinaryField(blank=True, default=b"")

    class Meta:
        ordering = ["-priority", "received_at"]
        indexes = [
            models.Index(fields=["status", "-priority", "received_at"], name="report_queue_idx"),
            models.Index(
                fields=["received_at"], condition=models.Q(indexed_at=None), name="report_unindexed_idx"
            ),
            models.Index(
                fields=["id"], condition=models.Q(receipt_legacy=True), name="report_receipt_legacy_idx"
            ),
        ]
        permissions = [
            ("view_report_content", "Can read the decrypted content of reports"),
        ]

    def __str__(self):
        return self.reference

    def category_labels(self) -> list[str]:
        labels = dict(CATEGORY_CHOICES)
        return [labels.get(code, code) for code in self.categories or []]


class ReportIdentifier(models.Model):
    """A blind index of one normalised identifier in a report, for linking without decrypting."""

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone number"
        VEHICLE = "vehicle", "Vehicle registration"
        POSTCODE = "postcode", "Postcode"
        HANDLE = "handle", "Online account"
        NAME = "name", "Name"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64)  # crypto.blind_index(kind, normalised)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"], name="report_identifier_idx")]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "digest"], name="report_identifier_unique"),
        ]

    def __str__(self):
        return f"{self.report_id} {self.kind} {self.digest[:12]}"


class ReportMessage(models.Model):
    """A question from staff to the reporter, or the reporter's reply. The text is sealed."""

    class Direction(models.TextChoices):
        TO_REPORTER = "to_reporter", "Question to the reporter"
        FROM_REPORTER = "from_reporter", "Reply from the reporter"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=14, choices=Direction.choices)
    sealed_text = models.BinaryField()  # sealed to the report key: staff read it
    reader_sealed_text = models.BinaryField(blank=True, default=b"")  # sealed to the reporter's key
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.direction} {self.created_at:%Y-%m-%d %H:%M}"


class ReportAttachment(models.Model):
    """A file sent with a report or a reply, metadata stripped, then sealed. Stored in the row itself,
    so deleting the row (or its report) deletes the file in the same transaction."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        ReportMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    content_type = models.CharField(max_length=64)  # as judged from the content, e.g. "image/jpeg"
    size = models.PositiveIntegerField()  # bytes after cleaning, before sealing
    sealed_name = models.BinaryField()  # the sealed original file name
    sealed_data = models.BinaryField()  # the sealed cleaned file
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.content_type} {self.size} bytes"


class PendingUpload(models.Model):
    """A cleaned, sealed file chosen during a journey that has not been submitted yet.

    Kept server-side (never in the browser), keyed by a random token held only in the visitor's
    session, wiped on submit, on quick exit, when the journey is abandoned, and by idle age
    (`pending_uploads_purge`, from `touched_at`, which the journey refreshes while the reporter is active).
    """

    token = models.CharField(max_length=64, db_index=True)  # random, from the session
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sealed_name = models.BinaryField(default=b"")
    sealed_data = models.BinaryField()
    created_at = models.DateTimeField()
    # The reporter's last visit to a page of the journey, within PENDING_TOUCH_SECONDS (reporting.journey).
    touched_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"pending {self.content_type} {self.size} bytes"


class SentJourney(models.Model):
    """A journey that has been sent, so that the same journey sent twice at once (a double click with
    JavaScript off) stores one report. Written in the transaction that stores the report; holds only a digest
    of the journey's random token (which lives in the visitor's session), not linked to the report, and is
    deleted once that session can no longer exist (with the abandoned uploads, `pending_uploads_purge`)."""

    digest = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"journey sent {self.sent_at:%Y-%m-%d %H:%M}"
