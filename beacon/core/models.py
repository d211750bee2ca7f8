from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("The audit log cannot be changed.")

    def delete(self):
        raise ValidationError("The audit log cannot be deleted from.")


class AuditEvent(models.Model):
    """One thing a member of staff saw or did. Append-only: the application has no way to change a row,
    and on PostgreSQL a trigger refuses UPDATE and DELETE too (migration 0002)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)  # kept even if the account is renamed
    action = models.CharField(max_length=64, db_index=True)  # e.g. "report.view", "report.export"
    object_type = models.CharField(max_length=64, blank=True, db_index=True)  # e.g. "report"
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)  # what was shown or changed; never report content

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The audit log cannot be deleted from.")


postcode_district_validator = RegexValidator(
    r"^[A-Z]{1,2}[0-9][0-9A-Z]?$", "Enter a postcode district such as WV1 or WV10"
)


class PolicingArea(models.Model):
    """A local policing area (LPA)."""

    name = models.CharField(max_length=100, unique=True)
    code = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Neighbourhood(models.Model):
    """A neighbourhood team's patch within a policing area, made of postcode districts."""

    area = models.ForeignKey(PolicingArea, on_delete=models.PROTECT, related_name="neighbourhoods")
    name = models.CharField(max_length=100)
    code = models.SlugField(max_length=40, unique=True)
    team_email = models.EmailField(blank=True)
    postcode_districts = models.JSONField(
        default=list, blank=True, help_text="Outward codes covered, such as WV1, WV2."
    )
    # Staff whose reports are scoped to their team (neighbourhood supervisors) see this team's reports.
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="neighbourhoods")

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="neighbourhood_unique_name_in_area")
        ]

    def __str__(self):
        return f"{self.name} ({self.area})"

    def clean(self):
        cleaned = []
        for district in self.postcode_districts or []:
            district = str(district).strip().upper()
            postcode_district_validator(district)
            cleaned.append(district)
        self.postcode_districts = sorted(set(cleaned))
