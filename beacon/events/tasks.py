"""Emails to schools about their workshop requests, sent by the task worker (`manage.py db_worker`)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from beacon.core.mail import mail_send

from .models import WorkshopRequest

SUBJECTS = {
    "received": "We have your workshop request {reference}",
    "confirmed": "Your workshop is booked ({reference})",
    "declined": "About your workshop request {reference}",
}


@task
def send_workshop_email(*, request_id: int, kind: str) -> None:
    request = WorkshopRequest.objects.select_related("event", "event__officer").filter(pk=request_id).first()
    if request is None or kind not in SUBJECTS or request.contact_deleted:
        return  # gone, or its contact details deleted on schedule: there is nobody to write to
    context = {
        "request": request,
        "event": request.event,
        "force_name": settings.BEACON_FORCE_NAME,
        "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
    }
    if request.event is not None:
        context["starts"] = timezone.localtime(request.event.starts_at)
        context["ends"] = timezone.localtime(request.event.ends_at)
    subject = SUBJECTS[kind].format(reference=request.reference)
    body = render_to_string(f"events/email/workshop_{kind}.txt", context)
    # mail_send: a refused address fails the task naming the request's id and the SMTP code, never the address.
    mail_send(
        EmailMessage(subject=subject, body=body, to=[request.email]),
        about=f"workshop request id {request.pk}",
    )
    if kind == "received" and settings.BEACON_EVENTS_TEAM_EMAIL:
        mail_send(
            EmailMessage(
                subject=f"New school workshop request {request.reference}",
                body=render_to_string("events/email/workshop_team_notice.txt", context),
                to=[settings.BEACON_EVENTS_TEAM_EMAIL],
            ),
            about=f"workshop request id {request.pk} (team notice)",
        )
