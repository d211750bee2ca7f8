"""What staff record about a report: risk, grading, routing, safeguarding, outcome and links.

The report itself (its clear fields and its sealed content) belongs to `beacon.reporting`. Triage keeps
its own rows beside it, so a purge of the report removes them too (CASCADE), except the statistical row,
which by design cannot be traced back to any report.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from beacon.reporting import crypto
from beacon.reporting.models import Report


def seal_note(text: str) -> bytes:
    """What a member of staff wrote about a report, sealed to the report key like the report itself: it
    names children, schools and addresses, and the public web servers hold the database credentials but
    not the private key. An empty note stays empty (b""), so the database can still require one."""
    return crypto.seal(text.encode("utf-8")) if text else b""


def open_note(sealed) -> str:
    """A note sealed by seal_note, opened. Needs the private key (the back office and task workers)."""
    return crypto.unseal(sealed).decode("utf-8") if sealed else ""


class TriageAccess(models.Model):
    """Holds the triage permissions; there is no table (managed = False)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_queue", "Can see the report queue and open reports"),
            ("view_all_areas", "Can see reports from every area (others see their own teams' reports)"),
            ("work_report", "Can assess, route, assign, message and close reports"),
            ("grade_report", "Can grade the intelligence in reports (3x5x2)"),
            ("decide_safeguarding", "Can record safeguarding decisions for children"),
            ("view_network", "Can see reports linked by an identifier (network view)"),
            ("export_reports", "Can export graded reports for the records system"),
            ("export_audit_log", "Can export the audit log"),
        ]

    def __str__(self):
        return "Triage permissions"


class Level(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ReportTriage(models.Model):
    """Triage's one-to-one companion of a report: who has it and the parts of its priority."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, primary_key=True, related_name="triage")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked = models.BooleanField(default=False)  # shares an identifier with another report
    risk_adjustment = models.IntegerField(default=0)  # from the newest THRIVE assessment
    first_assessed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Triage of report {self.report_id}"


class Assessment(models.Model):
    """A THRIVE risk assessment. A report can be reassessed; the newest one counts. What staff wrote is
    sealed (seal_note); harm and risk, which set the priority, are in clear."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assessments")
    sealed_threat = models.BinaryField()
    harm = models.CharField(max_length=6, choices=Level.choices)
    risk = models.CharField(max_length=6, choices=Level.choices)
    sealed_investigation = models.BinaryField()
    sealed_vulnerability = models.BinaryField()
    sealed_engagement = models.BinaryField()
    priority_change = models.IntegerField(default=0)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self):
        return f"THRIVE for report {self.report_id}: risk {self.risk}"


class Grading(models.Model):
    """The 3x5x2 intelligence grading: source, intelligence, handling code. The newest one counts."""

    class Source(models.TextChoices):
        RELIABLE = "1", "1: Reliable"
        UNTESTED = "2", "2: Untested"
        NOT_RELIABLE = "3", "3: Not reliable"

    class Intelligence(models.TextChoices):
        A = "A", "A: Known directly to the source"
        B = "B", "B: Known indirectly to the source but corroborated"
        C = "C", "C: Known indirectly to the source"
        D = "D", "D: Not known"
        E = "E", "E: Suspected to be false"

    class Handling(models.TextChoices):
        P = "P", "P: Lawful sharing permitted"
        C = "C", "C: Lawful sharing permitted with conditions"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="gradings")
    source = models.CharField(max_length=1, choices=Source.choices)
    intelligence = models.CharField(max_length=1, choices=Intelligence.choices)
    handling = models.CharField(max_length=1, choices=Handling.choices)
    sealed_conditions = models.BinaryField(blank=True, default=b"")  # seal_note; b"" for handling code P
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField()

    class Meta:
        ordering = ["-graded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(handling="C") | ~models.Q(sealed_conditions=b""),
                name="grading_conditions_for_handling_c",
            )
        ]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"{self.source}{self.intelligence}{self.handling}"

    def clean(self):
        if self.handling == self.Handling.C and not self.sealed_conditions:
            raise ValidationError({"conditions": "Enter the conditions for sharing this intelligence"})


class SafeguardingDecision(models.Model):
    """A safeguarding lead's decision for a report with a child involved: a MASH referral or why not."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="safeguarding_decisions")
    referred = models.BooleanField()
    referral_date = models.DateField(null=True, blank=True)
    referral_reference = models.CharField(max_length=60, blank=True)
    sealed_no_referral_reason = models.BinaryField(blank=True, default=b"")  # seal_note; b"" for a referral
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(referred=True, referral_date__isnull=False) & ~models.Q(referral_reference="")
                )
                | (models.Q(referred=False) & ~models.Q(sealed_no_referral_reason=b"")),
                name="safeguarding_referral_or_reason",
            )
        ]

    def __str__(self):
        return f"Safeguarding decision for report {self.report_id}"


class Outcome(models.Model):
    """Why a report was closed. One per report."""

    class Kind(models.TextChoices):
        INTELLIGENCE_RECORDED = "intelligence_recorded", "Intelligence recorded"
        SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral made"
        CRIME_RECORDED = "crime_recorded", "Crime recorded"
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        DUPLICATE = "duplicate", "Duplicate of another report"

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="outcome")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    crime_reference = models.CharField(max_length=60, blank=True)
    sealed_reason = models.BinaryField(blank=True, default=b"")  # seal_note: why no further action, else b""
    # Required for a duplicate when recorded (clean()), but the original may be purged first.
    duplicate_of = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicate_outcomes"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "recorded_at"], name="outcome_retention_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="crime_recorded") | ~models.Q(crime_reference=""),
                name="outcome_crime_needs_reference",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="no_further_action") | ~models.Q(sealed_reason=b""),
                name="outcome_nfa_needs_reason",
            ),
        ]

    def __str__(self):
        return f"Report {self.report_id}: {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.CRIME_RECORDED and not (self.crime_reference or "").strip():
            errors["crime_reference"] = "Enter the crime reference"
        if self.kind == self.Kind.NO_FURTHER_ACTION and not self.sealed_reason:
            errors["reason"] = "Enter the reason for no further action"
        if self.kind == self.Kind.DUPLICATE and self.duplicate_of_id is None:
            errors["duplicate_of"] = "Enter the reference of the original report"
        if errors:
            raise ValidationError(errors)


class ReportLink(models.Model):
    """Two reports that share at least one blind-indexed identifier. One row per pair (lower id first)."""

    low = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    shared = models.JSONField(default=list)  # [[kind, digest], ...]
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["low", "high"], name="report_link_unique_pair"),
            models.CheckConstraint(condition=models.Q(low__lt=models.F("high")), name="report_link_ordered"),
        ]
        indexes = [models.Index(fields=["high"], name="report_link_high_idx")]

    def __str__(self):
        return f"Reports {self.low_id} and {self.high_id}"


class PurgedReportStatistic(models.Model):
    """What is left of purged reports: how many, by month received, category, area and outcome."""

    month = models.DateField()  # the first day of the month the reports were received in
    category = models.CharField(max_length=40)
    area = models.CharField(max_length=100)  # the neighbourhood's name, or "Unknown"
    outcome = models.CharField(max_length=24)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "category", "area", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "category", "area", "outcome"], name="purged_statistic_unique"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.category} {self.area} {self.outcome}: {self.count}"
