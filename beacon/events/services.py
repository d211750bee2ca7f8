"""Every write for events, outcomes and school workshop requests.

Staff changes write an audit row in the same transaction. Emails go through tasks enqueued when the
transaction commits, so nothing is sent for a change that did not happen.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from beacon.core.selectors import neighbourhood_for_postcode
from beacon.core.services import audit_record

from . import geo
from .models import (
    REPORT_REFERENCE_RE,
    WORKSHOP_PERSONAL_FIELDS,
    Event,
    EventKind,
    EventOutcome,
    EventStatus,
    WorkshopRequest,
    WorkshopRequestStatus,
)

# Fields staff may set on an event. Position, sequence and status are managed here.
EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "place_name",
    "address",
    "postcode",
    "area",
    "neighbourhood",
    "accessibility",
    "campaign_week",
    "officer",
    "is_public",
)
# Changes to these make calendars update their copy (SEQUENCE is bumped).
CALENDAR_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "place_name",
    "address",
    "postcode",
    "accessibility",
    "status",
    "cancellation_reason",
)

# Free email services: a request from one of these is accepted but flagged for staff to check.
FREEMAIL_DOMAINS = frozenset(
    {
        "aol.com", "aol.co.uk", "btinternet.com", "fastmail.com", "gmail.com", "googlemail.com",
        "gmx.com", "gmx.co.uk", "hotmail.com", "hotmail.co.uk", "icloud.com", "live.com", "live.co.uk",
        "mail.com", "me.com", "msn.com", "outlook.com", "outlook.co.uk", "protonmail.com", "proton.me",
        "sky.com", "talktalk.net", "tiscali.co.uk", "virginmedia.com", "yahoo.com", "yahoo.co.uk",
        "ymail.com", "zoho.com", "blueyonder.co.uk", "ntlworld.com", "plus.net", "gmx.net", "hushmail.com",
        "tutanota.com", "tuta.io", "mac.com", "rocketmail.com", "virgin.net",
    }
)  # fmt: skip

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DUPLICATE_WINDOW = datetime.timedelta(days=1)


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value)


def local_datetime(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """A Europe/London wall-clock time; refuses one that a clock change skips or repeats."""
    tz = timezone.get_default_timezone()
    value = datetime.datetime.combine(date, time, tzinfo=tz)
    round_trip = value.astimezone(datetime.UTC).astimezone(tz)
    other_fold = value.replace(fold=1 - value.fold)
    if (
        round_trip.replace(tzinfo=None) != value.replace(tzinfo=None)
        or other_fold.utcoffset() != value.utcoffset()
    ):
        raise ValidationError(
            f"{time:%H:%M} on {date:%-d %B %Y} is skipped or repeated when the clocks change: choose another time"
        )
    return value


def _place_event(event: Event) -> None:
    """Normalise the postcode, store its position and fill in the neighbourhood and area from it."""
    normalised = geo.postcode_normalise(event.postcode or "")
    if normalised is None:
        raise ValidationError({"postcode": "Enter a real postcode, such as NN1 2DL"})
    position = geo.postcode_position(normalised)
    if position is None:
        raise ValidationError({"postcode": "We could not find that postcode. Check it and try again"})
    event.postcode = normalised
    event.latitude, event.longitude = position
    if event.neighbourhood_id is None:
        event.neighbourhood = neighbourhood_for_postcode(postcode=normalised)
    if event.area_id is None and event.neighbourhood_id is not None:
        event.area_id = event.neighbourhood.area_id
    if event.area_id is None:
        raise ValidationError(
            {"area": "Choose the policing area: the postcode is not in any neighbourhood we know"}
        )


def _validate(event: Event) -> None:
    if event.kind == EventKind.PATROL:
        event.is_public = False
    errors: dict[str, list[str]] = {}
    exclude = ["latitude", "longitude"]
    raw = (event.postcode or "").strip()
    normalised = geo.postcode_normalise(raw)
    if normalised is not None:
        event.postcode = normalised
    else:
        errors["postcode"] = [
            "Enter the event’s postcode" if not raw else "Enter a real postcode, such as NN1 2DL"
        ]
        exclude.append("postcode")
    # Check every field, so that all the problems are reported together.
    try:
        event.full_clean(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    errors.update(_officer_errors(event, errors))
    if "postcode" not in errors:
        try:
            _place_event(event)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)


def _officer_errors(event: Event, errors: dict) -> dict[str, list[str]]:
    """The lead officer must be published: the event's page shows only a published officer, and a school's
    confirmation email names the officer (forms offer published ones only; this catches the rest)."""
    from beacon.content.models import unpublished_snippet_errors

    return {
        name: messages for name, messages in unpublished_snippet_errors(event).items() if name not in errors
    }


def _snapshot(event: Event) -> dict:
    return {name: getattr(event, name) for name in CALENDAR_FIELDS}


def event_create(*, actor, **fields) -> Event:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {', '.join(sorted(unknown))}")
    event = Event(**fields)
    _validate(event)
    with transaction.atomic():
        event.save()
        audit_record(
            actor=actor,
            action="event.create",
            object_type="event",
            object_id=event.pk,
            detail={"kind": event.kind, "starts_at": event.starts_at.isoformat()},
        )
    return event


def event_update(*, event: Event, actor, **fields) -> Event:
    """Change an event. A cancelled event cannot be changed: copy it to a new date instead."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.status == EventStatus.CANCELLED:
            raise ValidationError(
                "This event has been cancelled, so it cannot be changed. Copy it to a new date instead"
            )
        before = _snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        if "postcode" in fields and fields["postcode"] != before["postcode"]:
            # A new place: find its neighbourhood again unless staff chose one.
            if "neighbourhood" not in fields:
                current.neighbourhood = None
            if "area" not in fields:
                current.area = None
        _validate(current)
        changed = [name for name, value in _snapshot(current).items() if value != before[name]]
        if changed:
            current.sequence += 1
        current.save()
        audit_record(
            actor=actor,
            action="event.update",
            object_type="event",
            object_id=current.pk,
            detail={"changed": sorted(set(changed) | (set(fields) - set(CALENDAR_FIELDS)))},
        )
    _refresh(event, current)
    return event


def _refresh(target: Event, source: Event) -> None:
    for field in Event._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def event_cancel(*, event: Event, actor, reason: str) -> Event:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancellation_reason": "Enter why the event is cancelled"})
    if len(reason) > Event._meta.get_field("cancellation_reason").max_length:
        raise ValidationError({"cancellation_reason": "The reason must be 300 characters or fewer"})
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.status == EventStatus.CANCELLED:
            raise ValidationError("This event has already been cancelled")
        if current.status == EventStatus.DONE:
            raise ValidationError("This event has already happened, so it cannot be cancelled")
        current.status = EventStatus.CANCELLED
        current.cancellation_reason = reason
        current.sequence += 1
        current.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
        audit_record(actor=actor, action="event.cancel", object_type="event", object_id=current.pk, detail={})
    _refresh(event, current)
    return event


def event_copy(*, event: Event, actor, new_date: datetime.date, today: datetime.date | None = None) -> Event:
    """A repeat of an event on another day, at the same local (Europe/London) times."""
    today = today or timezone.localdate()
    if new_date < today:
        raise ValidationError({"new_date": "The new date must be today or in the future"})
    start_local = _local(event.starts_at)
    end_local = _local(event.ends_at)
    new_start = _copy_time(new_date, start_local.time())
    new_end = _copy_time(new_date + (end_local.date() - start_local.date()), end_local.time())
    fields = {name: getattr(event, name) for name in EVENT_FIELDS}
    fields.update(starts_at=new_start, ends_at=new_end)
    if new_start == event.starts_at:
        raise ValidationError({"new_date": "Choose a different date from the event you are copying"})
    with transaction.atomic():
        copy = event_create(actor=actor, **fields)
        audit_record(
            actor=actor,
            action="event.copy",
            object_type="event",
            object_id=copy.pk,
            detail={"from": event.pk},
        )
    return copy


def _copy_time(date: datetime.date, time: datetime.time) -> datetime.datetime:
    try:
        return local_datetime(date, time)
    except ValidationError:
        raise ValidationError(
            {
                "new_date": f"The copy would be at {time:%H:%M} on {date:%-d %B %Y}, a time the clocks skip "
                "or repeat when they change. Choose another date, or add the event with other times"
            }
        ) from None


def event_delete(*, event: Event, actor) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="event.delete",
            object_type="event",
            object_id=event.pk,
            detail={"kind": event.kind, "title": event.title},
        )
        event.delete()


def _report_references(values) -> list[str]:
    references = []
    for value in values or []:
        value = str(value).strip().upper()
        if not value:
            continue
        if not REPORT_REFERENCE_RE.match(value):
            raise ValidationError(
                {"report_references": f"“{value[:20]}” is not a report reference. They look like K7QM-2XDP"}
            )
        if "-" not in value:
            value = f"{value[:4]}-{value[4:]}"
        if value not in references:
            references.append(value)
    return references


def _check_reports_exist(references: list[str], *, already: list[str]) -> None:
    """Each reference an outcome newly links to must be a report's. Those it already holds stay, even if their
    report has since been deleted (retention), so the outcome can still be corrected."""
    from beacon.reporting.models import Report

    new = [reference for reference in references if reference not in already]
    if not new:
        return
    found = set(Report.objects.filter(reference__in=new).values_list("reference", flat=True))
    missing = [reference for reference in new if reference not in found]
    if len(missing) == 1:
        raise ValidationError(
            {"report_references": f"No report has the reference {missing[0]}. Check it against the report"}
        )
    if missing:
        raise ValidationError(
            {
                "report_references": f"No reports have the references {', '.join(missing)}. "
                "Check them against the reports"
            }
        )


def event_outcome_record(
    *,
    event: Event,
    actor,
    people_engaged: int,
    young_people_reached: int,
    concerns_raised: int,
    leaflets_given: int,
    report_references: list[str] | tuple = (),
    notes: str = "",
    now: datetime.datetime | None = None,
) -> EventOutcome:
    """Record (or correct) what happened at an event once it has started. Marks the event done."""
    now = now or timezone.now()
    references = _report_references(report_references)
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.status == EventStatus.CANCELLED:
            raise ValidationError("This event was cancelled, so there is no outcome to record")
        if current.starts_at > now:
            raise ValidationError("You can record what happened once the event has started")
        outcome = EventOutcome.objects.filter(event=current).first() or EventOutcome(event=current)
        already = list(outcome.report_references or [])
        outcome.people_engaged = people_engaged
        outcome.young_people_reached = young_people_reached
        outcome.concerns_raised = concerns_raised
        outcome.leaflets_given = leaflets_given
        outcome.report_references = references
        if notes != outcome.notes:
            # The notes' own clock (they are deleted on schedule from it): a change to the figures alone
            # does not keep them longer.
            outcome.notes_written_at = now if notes else None
        outcome.notes = notes
        outcome.recorded_by = actor if getattr(actor, "pk", None) else None
        outcome.full_clean(exclude=["event"])
        _check_reports_exist(references, already=already)
        outcome.save()
        if current.status != EventStatus.DONE:
            current.status = EventStatus.DONE
            current.sequence += 1
            current.save(update_fields=["status", "sequence", "updated_at"])
        audit_record(
            actor=actor,
            action="event.outcome",
            object_type="event",
            object_id=current.pk,
            detail={
                "people_engaged": people_engaged,
                "young_people_reached": young_people_reached,
                "concerns_raised": concerns_raised,
                "leaflets_given": leaflets_given,
                "report_references": references,
            },
        )
    _refresh(event, current)
    return outcome


def event_outcome_notes_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete the notes staff wrote about events once their time is up (run hourly by `manage.py
    events_purge`): BEACON_EVENTS_OUTCOME_NOTES_DAYS after they were written or last changed. They are free
    text written after an event, so they can name a pupil or hold what someone told the team about harm. The
    figures and report references stay (the campaign dashboard counts them). Returns how many outcomes' notes
    were deleted; each is audited, without the notes."""
    now = now or timezone.now()
    days = settings.BEACON_EVENTS_OUTCOME_NOTES_DAYS
    cutoff = now - datetime.timedelta(days=days)
    due = EventOutcome.objects.exclude(notes="").filter(
        Q(notes_written_at__lte=cutoff) | Q(notes_written_at__isnull=True, recorded_at__lte=cutoff)
    )
    deleted = 0
    for pk, event_id in list(due.values_list("pk", "event_id")):
        with transaction.atomic():
            # One UPDATE with the same conditions: notes rewritten meanwhile are newer, and stay.
            if not due.filter(pk=pk).update(notes=""):
                continue
            audit_record(
                actor=None,
                action="event.outcome_notes_delete",
                object_type="event",
                object_id=event_id,
                detail={"retention_days": days},
            )
        deleted += 1
    return deleted


# ---------------------------------------------------------------- school workshop requests


def email_is_freemail(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    return domain in FREEMAIL_DOMAINS


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class WorkshopSubmitResult:
    request: WorkshopRequest
    created: bool


@dataclass
class _Submission:
    answers: dict
    email: str
    content_hash: str
    submission_key: str


def _submission(
    *,
    token: str,
    school_name: str,
    contact_name: str,
    email: str,
    phone: str,
    school_postcode: str,
    year_groups: list[str],
    pupils: int,
    topics: list[str],
    preferred_dates: list[datetime.date],
    accessibility_needs: str = "",
    today: datetime.date | None = None,
) -> _Submission:
    """The answers checked and normalised, and the keys that say whether they were sent before."""
    today = today or timezone.localdate()
    dates = sorted(set(preferred_dates))
    errors = {}
    if len(dates) < 2:
        errors["preferred_dates"] = "Give at least 2 different dates"
    elif len(dates) > 3:
        errors["preferred_dates"] = "Give no more than 3 dates"
    elif any(date <= today for date in dates):
        errors["preferred_dates"] = "The dates must be in the future"
    elif any(date > today + datetime.timedelta(days=366) for date in dates):
        errors["preferred_dates"] = "The dates must be within the next 12 months"
    postcode = geo.postcode_normalise(school_postcode)
    if postcode is None or geo.postcode_position(postcode) is None:
        errors["school_postcode"] = "Enter the school’s real postcode, such as NN1 2DL"
    if errors:
        raise ValidationError(errors)
    email = email.strip()
    answers = {
        "school_name": school_name.strip(),
        "contact_name": contact_name.strip(),
        "email": email.lower(),
        "phone": phone,
        "school_postcode": postcode,
        "year_groups": sorted(year_groups, key=int),
        "pupils": pupils,
        "topics": sorted(topics),
        "preferred_dates": [date.isoformat() for date in dates],
        "accessibility_needs": accessibility_needs.strip(),
    }
    content_hash = _hash(json.dumps(answers, sort_keys=True))
    submission_key = (
        _hash(f"token:{token}") if TOKEN_RE.match(token or "") else _hash(f"content:{content_hash}")
    )
    return _Submission(answers=answers, email=email, content_hash=content_hash, submission_key=submission_key)


def workshop_request_sent_before(**fields) -> WorkshopRequest | None:
    """The request this form (its token) or these answers already made, if any: a read, so that the form
    can confirm a refresh or a resend before counting it against the rate limit. Takes the same arguments
    as `workshop_request_submit`; answers it would refuse were never sent."""
    try:
        submission = _submission(**fields)
    except ValidationError:
        return None
    return _existing_request(submission_key=submission.submission_key, content_hash=submission.content_hash)


def workshop_request_submit(
    *,
    token: str,
    school_name: str,
    contact_name: str,
    email: str,
    phone: str,
    school_postcode: str,
    year_groups: list[str],
    pupils: int,
    topics: list[str],
    preferred_dates: list[datetime.date],
    accessibility_needs: str = "",
    today: datetime.date | None = None,
) -> WorkshopSubmitResult:
    """Store a school's request once. The same form sent twice (refresh, double click) or the same answers
    sent again within a day return the first request instead of making another."""
    submission = _submission(
        token=token,
        school_name=school_name,
        contact_name=contact_name,
        email=email,
        phone=phone,
        school_postcode=school_postcode,
        year_groups=year_groups,
        pupils=pupils,
        topics=topics,
        preferred_dates=preferred_dates,
        accessibility_needs=accessibility_needs,
        today=today,
    )
    answers, email = submission.answers, submission.email
    submission_key, content_hash = submission.submission_key, submission.content_hash

    existing = _existing_request(submission_key=submission_key, content_hash=content_hash)
    if existing is not None:
        return WorkshopSubmitResult(request=existing, created=False)
    request = WorkshopRequest(
        school_name=answers["school_name"],
        contact_name=answers["contact_name"],
        email=email,
        email_is_freemail=email_is_freemail(email),
        phone=answers["phone"],
        school_postcode=answers["school_postcode"],
        year_groups=answers["year_groups"],
        pupils=answers["pupils"],
        topics=answers["topics"],
        preferred_dates=answers["preferred_dates"],
        accessibility_needs=answers["accessibility_needs"],
        submission_key=submission_key,
        content_hash=content_hash,
    )
    request.full_clean(exclude=["submission_key", "content_hash"])
    try:
        with transaction.atomic():
            request.save()
            _enqueue_email(request, "received")
    except IntegrityError:
        # The other click of a double click won the race: return its request.
        existing = _existing_request(submission_key=submission_key, content_hash=content_hash)
        if existing is None:
            raise
        return WorkshopSubmitResult(request=existing, created=False)
    return WorkshopSubmitResult(request=request, created=True)


def _existing_request(*, submission_key: str, content_hash: str) -> WorkshopRequest | None:
    return (
        WorkshopRequest.objects.filter(submission_key=submission_key).first()
        or WorkshopRequest.objects.filter(
            content_hash=content_hash, created_at__gte=timezone.now() - DUPLICATE_WINDOW
        ).first()
    )


def _enqueue_email(request: WorkshopRequest, kind: str) -> None:
    from .tasks import send_workshop_email

    request_id = request.pk
    transaction.on_commit(lambda: send_workshop_email.enqueue(request_id=request_id, kind=kind))


CONTACT_DELETED_MESSAGE = (
    "This request is too old to decide: the school’s contact details have been deleted. "
    "Ask the school to send a new request"
)


def _pending_for_decision(request: WorkshopRequest) -> WorkshopRequest:
    current = WorkshopRequest.objects.select_for_update().get(pk=request.pk)
    if current.status != WorkshopRequestStatus.PENDING:
        raise ValidationError(f"This request has already been {current.get_status_display().lower()}")
    if current.contact_deleted:
        raise ValidationError(CONTACT_DELETED_MESSAGE)
    return current


def _shorten(text: str, field) -> str:
    """Text cut to fit a field, marked with an ellipsis (a school's name may be longer than an event's place)."""
    limit = field.max_length
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"


def workshop_request_confirm(
    *,
    request: WorkshopRequest,
    actor,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    officer=None,
    is_public: bool = False,
    now: datetime.datetime | None = None,
) -> Event:
    """Confirm a request: create the school workshop event (not public unless chosen) and email the school."""
    if actor is None or not actor.has_perm("events.change_workshoprequest"):
        raise PermissionDenied
    now = now or timezone.now()
    if starts_at <= now:
        raise ValidationError({"starts_at": "The workshop must start in the future"})
    with transaction.atomic():
        current = _pending_for_decision(request)
        topics = ", ".join(current.topic_labels()).lower() or "staying safe"
        event = event_create(
            actor=actor,
            title=_shorten(f"School workshop: {current.school_name}", Event._meta.get_field("title")),
            kind=EventKind.SCHOOL_WORKSHOP,
            # Not the year groups or the number of pupils: a public event shows its description on its page
            # and in every calendar feed. Staff see them on the request and on the event's inspect screen.
            description=f"A workshop on {topics}.",
            starts_at=starts_at,
            ends_at=ends_at,
            place_name=_shorten(current.school_name, Event._meta.get_field("place_name")),
            postcode=current.school_postcode,
            # Not the school's accessibility notes: they can name pupils, and a public event shows its
            # accessibility text on its page and in every calendar feed. They stay on the request.
            officer=officer,
            is_public=is_public,
        )
        current.status = WorkshopRequestStatus.CONFIRMED
        current.event = event
        current.decided_by = actor
        current.decided_at = now
        current.save(update_fields=["status", "event", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="workshop.confirm",
            object_type="workshop_request",
            object_id=current.pk,
            detail={"event": event.pk},
        )
        _enqueue_email(current, "confirmed")
    _refresh_request(request, current)
    return event


def workshop_request_decline(*, request: WorkshopRequest, actor, reason: str) -> WorkshopRequest:
    if actor is None or not actor.has_perm("events.change_workshoprequest"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"decline_reason": "Enter why the request is declined. The school will see it"})
    if len(reason) > WorkshopRequest.DECLINE_REASON_MAX:
        raise ValidationError(
            {
                "decline_reason": f"The reason must be {WorkshopRequest.DECLINE_REASON_MAX:,} characters or fewer"
            }
        )
    with transaction.atomic():
        current = _pending_for_decision(request)
        current.status = WorkshopRequestStatus.DECLINED
        current.decline_reason = reason
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="workshop.decline",
            object_type="workshop_request",
            object_id=current.pk,
            detail={},
        )
        _enqueue_email(current, "declined")
    _refresh_request(request, current)
    return request


def _refresh_request(target: WorkshopRequest, source: WorkshopRequest) -> None:
    for field in WorkshopRequest._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def workshop_contacts_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete the personal data in workshop requests once its time is up (run hourly by
    `manage.py events_purge`): the teacher's name, email and phone, the school's accessibility notes, which
    can name pupils, and the reason staff gave for declining, which can name the teacher or the school's
    circumstances.

    - A decided request: BEACON_EVENTS_WORKSHOP_CONTACT_DAYS after the decision and after its workshop
      (if any) has ended, whether the workshop happened or was cancelled.
    - A request never decided: BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS after it was sent, once every date the
      school asked for has passed. It can no longer be confirmed or declined (there is nobody to tell).

    The rest stays: the school, its postcode, year groups, pupils, topics, dates, the decision, the event and
    its outcome (the campaign dashboard counts those). The keys that spot a request sent twice are hashes of
    the answers, so they go too. Returns how many requests were cleared; each one is audited."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = settings.BEACON_EVENTS_WORKSHOP_CONTACT_DAYS
    undecided_days = settings.BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS
    cutoff = now - datetime.timedelta(days=days)
    # Still holding something: a contact, or a decline reason (requests cleared before reasons were deleted).
    held = WorkshopRequest.objects.exclude(email="", decline_reason="")
    decided = (
        held.exclude(status=WorkshopRequestStatus.PENDING)
        .filter(Q(decided_at__lte=cutoff) | Q(decided_at__isnull=True, created_at__lte=cutoff))
        .filter(Q(event__isnull=True) | Q(event__ends_at__lte=cutoff))
        .values_list("pk", flat=True)
    )
    undecided = [
        pk
        for pk, dates in held.filter(
            status=WorkshopRequestStatus.PENDING,
            created_at__lte=now - datetime.timedelta(days=undecided_days),
        ).values_list("pk", "preferred_dates")
        if all(datetime.date.fromisoformat(value) < today for value in dates or [])
    ]
    cleared = 0
    for pk in sorted([*decided, *undecided]):
        with transaction.atomic():
            request = (
                WorkshopRequest.objects.select_for_update()
                .filter(pk=pk)
                .exclude(email="", decline_reason="")
                .first()
            )
            if request is None:  # cleared by another run meanwhile
                continue
            for name in WORKSHOP_PERSONAL_FIELDS:
                setattr(request, name, "")
            request.content_hash = ""
            request.submission_key = _hash(f"contact-deleted:{request.pk}")
            request.save(update_fields=[*WORKSHOP_PERSONAL_FIELDS, "content_hash", "submission_key"])
            audit_record(
                actor=None,
                action="workshop.contact_delete",
                object_type="workshop_request",
                object_id=request.pk,
                detail={
                    "status": request.status,
                    "retention_days": undecided_days
                    if request.status == WorkshopRequestStatus.PENDING
                    else days,
                },
            )
        cleared += 1
    return cleared
