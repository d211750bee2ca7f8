"""Every write in the Q&A app. Staff changes write their audit row in the same transaction."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from wagtail.models import Page, Workflow, WorkflowContentType

from beacon.core.forms import clean_text
from beacon.core.services import audit_record

from .models import (
    ANSWER_MAX,
    ANSWERS_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_QUESTION_MAX,
    PUBLISHED_QUESTION_MAX,
    QUESTION_MAX,
    AnswerSheet,
    PublishedAnswer,
    QandASession,
    Question,
    QuestionTheme,
    ReceivedEmail,
)
from .text import MAX_LINKS, display_name_problem, question_problem

S = QandASession
SESSION_TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.LIVE, S.CLOSED},
    S.LIVE: {S.ANSWERED, S.CLOSED},
    S.ANSWERED: {S.CLOSED},
    S.CLOSED: set(),
}
RUN = "qanda.run_qandasession"
MODERATE = "qanda.moderate_question"
SESSION_FIELDS = (
    "title",
    "slug",
    "summary",
    "host",
    "platform",
    "link",
    "location",
    "starts_at",
    "ends_at",
    "campaign_week",
    "allow_replies",
)
CLOSED_MESSAGE = "This session is no longer taking questions"
REPEAT_WINDOW = datetime.timedelta(minutes=10)


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied("You do not have permission to do this.")


def _audit(user, action: str, obj, **detail) -> None:
    audit_record(
        actor=user,
        action=f"qanda.{action}",
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        detail=detail,
    )


# --- Sessions -------------------------------------------------------------------------------------


@transaction.atomic
def session_save(*, user, session: QandASession | None = None, data: dict) -> QandASession:
    """Create a session (session=None) or change its details. The state changes only through
    `session_transition`."""
    _require(user, "qanda.change_qandasession" if session and session.pk else "qanda.add_qandasession")
    creating = session is None or session.pk is None
    session = session or QandASession()
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown session fields: {', '.join(sorted(unknown))}")
    changed = []
    for name, value in data.items():
        if isinstance(value, str):
            value = clean_text(value)
        if getattr(session, name) != value:
            changed.append(name)
        setattr(session, name, value)
    session.full_clean()
    # The host must be published: the session's page shows only a published officer (the admin form offers no
    # other; this catches the rest, and a host unpublished since it was chosen).
    from beacon.content.models import unpublished_snippet_errors

    if errors := unpublished_snippet_errors(session):
        raise ValidationError(errors)
    session.save()
    _audit(user, "session.create" if creating else "session.change", session, fields=sorted(changed))
    return session


@transaction.atomic
def session_transition(*, session: QandASession, user, state: str) -> QandASession:
    """open -> live -> answered -> closed (or straight to closed)."""
    _require(user, RUN)
    session = QandASession.objects.select_for_update().get(pk=session.pk)
    if state not in SESSION_TRANSITIONS.get(session.state, set()):
        raise ValidationError(
            f"A session that is {session.get_state_display().lower()} cannot become "
            f"{dict(QandASession.STATES).get(state, state).lower()}"
        )
    before = session.state
    session.state = state
    session.save(update_fields=["state", "updated_at"])
    forgotten = 0
    if state == QandASession.CLOSED:
        # Reply addresses were kept only so staff could answer during the session.
        forgotten = Question.objects.filter(session=session).exclude(reply_to="").update(reply_to="")
    _audit(user, "session.state", session, before=before, after=state, reply_addresses_removed=forgotten)
    return session


def reply_addresses_forget(*, now: datetime.datetime | None = None) -> int:
    """Delete the reply addresses of questions to sessions that ended more than
    BEACON_QANDA_REPLY_ADDRESS_DAYS ago, whatever state staff left the session in (run hourly by
    `manage.py qanda_purge`). Returns how many were deleted; each session's count is audited."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.BEACON_QANDA_REPLY_ADDRESS_DAYS)
    forgotten = 0
    sessions = QandASession.objects.filter(ends_at__lte=cutoff, questions__reply_to__gt="").distinct()
    for session in sessions:
        with transaction.atomic():
            removed = Question.objects.filter(session=session).exclude(reply_to="").update(reply_to="")
            if removed:
                _audit(None, "session.reply_addresses_removed", session, reply_addresses_removed=removed)
        forgotten += removed
    return forgotten


ORIGINAL_FIELDS = ("text", "display_name", "publication_text", "publication_name", "rejection_reason")
PUBLISHED_STATUSES = (Question.APPROVED, Question.ANSWERED)


def question_originals_remove(*, now: datetime.datetime | None = None) -> int:
    """Stop keeping the words and names people sent once they are done with (run hourly by
    `manage.py qanda_purge`). Returns how many questions changed; each session's counts are audited.

    - Approved and answered questions: once the session's answers are published, or
      BEACON_QANDA_ORIGINAL_DAYS after the session ends, the text as sent becomes the words shown (the
      edited text when there is one) and the name as given becomes the name shown (blank if none is).
    - Questions never published (waiting, rejected, merged): BEACON_QANDA_ORIGINAL_DAYS after the session
      ends, the text, the name as given, any edit for publication and the rejection reason are deleted.
      The row stays (it is counted on the campaign dashboard, and a merge counts its askers) but cannot
      be moderated any more."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.BEACON_QANDA_ORIGINAL_DAYS)
    to_replace = Q(status__in=PUBLISHED_STATUSES, original_removed_at__isnull=True)
    to_delete = ~Q(status__in=PUBLISHED_STATUSES) & ~Q(**{name: "" for name in ORIGINAL_FIELDS})
    over = Q(session__ends_at__lte=cutoff)
    session_ids = set(
        Question.objects.filter(
            (to_replace & (over | Q(session__answer_sheet__live=True))) | (to_delete & over)
        ).values_list("session_id", flat=True)
    )
    changed = 0
    for session in QandASession.objects.filter(pk__in=session_ids).order_by("pk"):
        with transaction.atomic():
            questions = Question.objects.select_for_update().filter(session=session)
            replaced = cleared = 0
            for question in questions.filter(to_replace):
                question.text = question.shown_text
                question.display_name = question.publication_name
                question.rejection_reason = ""
                question.original_removed_at = now
                question.save(update_fields=[*ORIGINAL_FIELDS, "original_removed_at"])
                replaced += 1
            if session.ends_at <= cutoff:
                for question in questions.filter(to_delete):
                    for name in ORIGINAL_FIELDS:
                        setattr(question, name, "")
                    question.original_removed_at = question.original_removed_at or now
                    question.save(update_fields=[*ORIGINAL_FIELDS, "original_removed_at"])
                    cleared += 1
            if replaced or cleared:
                _audit(
                    None,
                    "session.originals_removed",
                    session,
                    replaced_by_published=replaced,
                    deleted=cleared,
                    days=settings.BEACON_QANDA_ORIGINAL_DAYS,
                )
        changed += replaced + cleared
    return changed


def received_emails_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete the records of emails read from the Q&A mailbox more than ReceivedEmail.KEEP_DAYS ago (run
    hourly by `manage.py qanda_purge`): by then no copy of the message can arrive to be read twice, and the
    record (its Message-ID digest and the question it became) would only tie the sender's copy of the email to
    the question. Records of messages Beacon could not process stay for a person to deal with: they hold
    no digest and no question. Returns how many were deleted; the count is audited."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=ReceivedEmail.KEEP_DAYS)
    with transaction.atomic():
        deleted, _ = (
            ReceivedEmail.objects.filter(read_at__lte=cutoff).exclude(outcome=ReceivedEmail.FAILED).delete()
        )
        if deleted:
            audit_record(
                actor=None,
                action="qanda.received_emails_deleted",
                object_type=ReceivedEmail._meta.model_name,
                detail={"deleted": deleted, "days": ReceivedEmail.KEEP_DAYS},
            )
    return deleted


# --- Questions from the public --------------------------------------------------------------------


def submission_token_new() -> str:
    return secrets.token_urlsafe(24)


def question_submit(
    *,
    session: QandASession,
    text: str,
    display_name: str = "",
    source: str = Question.WEB,
    submission_token: str = "",
    reply_to: str = "",
    attachments_dropped: int = 0,
    received_at: datetime.datetime | None = None,
) -> tuple[Question, bool]:
    """A question from the public. Returns (question, created): the same submission token twice gives
    back the first question, so a refreshed or repeated form counts once. Nothing about the sender is
    kept but what they typed (and, for email to a session that allows replies, the address)."""
    if not session.accepting_questions:
        raise ValidationError(CLOSED_MESSAGE, code="closed")
    text = clean_text(text or "")
    display_name = clean_text(display_name or "")
    web = source == Question.WEB
    errors = {}
    if problem := question_problem(
        text, max_length=QUESTION_MAX if web else EMAIL_QUESTION_MAX, max_links=MAX_LINKS if web else None
    ):
        errors["text"] = problem
    if problem := display_name_problem(display_name):
        errors["display_name"] = problem
    if errors:
        raise ValidationError(errors)
    submission_token = (submission_token or "")[:64]
    if submission_token:
        existing = Question.objects.filter(session=session, submission_token=submission_token).first()
        if existing:
            return existing, False
    if web:
        # Back and send again, or a second tab: the same words under the same name a moment later are
        # the same question, not a second person asking.
        existing = Question.objects.filter(
            session=session,
            source=Question.WEB,
            text=text,
            display_name=display_name,
            received_at__gte=timezone.now() - REPEAT_WINDOW,
        ).first()
        if existing:
            return existing, False
    question = Question(
        session=session,
        source=source,
        text=text,
        display_name=display_name[:DISPLAY_NAME_MAX],
        # Shown only once a moderator has approved the question, and they may edit or clear it first.
        publication_name=display_name[:DISPLAY_NAME_MAX],
        submission_token=submission_token,
        reply_to=reply_to if (reply_to and session.allow_replies) else "",
        attachments_dropped=min(attachments_dropped, 32767),
        received_at=received_at or timezone.now(),
    )
    question.full_clean(exclude=["session", "theme", "merged_into", "answered_by", "moderated_by"])
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:
        existing = Question.objects.filter(session=session, submission_token=submission_token).first()
        if existing is None:
            raise
        return existing, False
    return question, True


# --- Moderation -----------------------------------------------------------------------------------


ORIGINAL_DELETED_MESSAGE = (
    "This question’s words were deleted after the session ended, so it can no longer be moderated"
)


def _locked(question: Question) -> Question:
    question = Question.objects.select_for_update().select_related("session").get(pk=question.pk)
    if question.original_deleted:
        raise ValidationError(ORIGINAL_DELETED_MESSAGE)
    return question


def _publication_text(text: str | None) -> str:
    text = clean_text(text or "")
    if text and (problem := question_problem(text, max_length=PUBLISHED_QUESTION_MAX)):
        raise ValidationError({"publication_text": problem})
    return text


def _publication_name(name: str) -> str:
    name = clean_text(name)
    if problem := display_name_problem(name):
        raise ValidationError({"publication_name": problem.replace("Your name", "The name")})
    return name


def _name_audit(question: Question) -> dict:
    """What the audit keeps of a name decision: whether a name is shown and whether it was edited,
    never the name itself (audit rows cannot be deleted)."""
    return {
        "name_shown": bool(question.publication_name),
        "name_edited": question.publication_name not in ("", question.display_name),
    }


def _next_position(session: QandASession) -> int:
    top = Question.objects.filter(session=session).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


@transaction.atomic
def question_edit(
    *,
    question: Question,
    user,
    publication_text: str | None,
    theme: QuestionTheme | None,
    publication_name: str | None = None,
) -> Question:
    """Edit the words for publication (names and personal details out), the name shown with them
    (publication_name: edited, or "" to show none; None leaves it as it is) and tag a theme. The
    original text and name are kept, for staff only."""
    _require(user, MODERATE)
    question = _locked(question)
    if question.status == Question.MERGED:
        raise ValidationError("This question was merged into another: edit that one instead")
    question.publication_text = _publication_text(publication_text)
    if publication_name is not None:
        question.publication_name = _publication_name(publication_name)
    question.theme = theme
    question.save(update_fields=["publication_text", "publication_name", "theme"])
    _audit(
        user,
        "question.edit",
        question,
        theme=theme.name if theme else "",
        edited=bool(question.publication_text),
        **_name_audit(question),
    )
    return question


@transaction.atomic
def question_approve(
    *,
    question: Question,
    user,
    publication_text: str | None = None,
    theme: QuestionTheme | None = None,
    publication_name: str | None = None,
) -> Question:
    """Approve a question for the host's live view, with the words and the name (publication_name;
    "" shows none; None keeps the one set) as they will be shown."""
    _require(user, MODERATE)
    question = _locked(question)
    if question.status not in (Question.PENDING, Question.REJECTED):
        raise ValidationError(
            f"Only a question waiting for moderation can be approved (this one is {question.get_status_display().lower()})"
        )
    if publication_text is not None:
        question.publication_text = _publication_text(publication_text)
    if publication_name is not None:
        question.publication_name = _publication_name(publication_name)
    if not question.publication_text and question_problem(question.text, max_length=PUBLISHED_QUESTION_MAX):
        raise ValidationError(
            {"publication_text": "Shorten the question for publication before you approve it"}
        )
    if theme is not None:
        question.theme = theme
    question.status = Question.APPROVED
    question.rejection_reason = ""
    question.position = _next_position(question.session)
    question.moderated_at = timezone.now()
    question.moderated_by = user
    question.save()
    _audit(
        user, "question.approve", question, edited=bool(question.publication_text), **_name_audit(question)
    )
    return question


@transaction.atomic
def question_reject(*, question: Question, user, reason: str) -> Question:
    _require(user, MODERATE)
    reason = clean_text(reason or "")
    if not reason:
        raise ValidationError({"reason": "Enter the reason for rejecting the question"})
    if len(reason) > 500:
        raise ValidationError({"reason": "The reason must be 500 characters or fewer"})
    question = _locked(question)
    if question.status not in (Question.PENDING, Question.APPROVED):
        raise ValidationError(
            f"This question cannot be rejected: it is {question.get_status_display().lower()}"
        )
    question.status = Question.REJECTED
    question.rejection_reason = reason
    question.moderated_at = timezone.now()
    question.moderated_by = user
    question.save()
    _audit(user, "question.reject", question)
    return question


@transaction.atomic
def question_merge(*, question: Question, into: Question, user) -> Question:
    """Merge a duplicate into another question of the same session: the other counts one more asker
    (and all of this one's), and this one leaves the queues. The original text stays for staff."""
    _require(user, MODERATE)
    if question.pk == into.pk:
        raise ValidationError("A question cannot be merged into itself")
    first, second = sorted([question.pk, into.pk])
    locked = {q.pk: q for q in Question.objects.select_for_update().filter(pk__in=[first, second])}
    question, into = locked[question.pk], locked[into.pk]
    if question.original_deleted or into.original_deleted:
        raise ValidationError(ORIGINAL_DELETED_MESSAGE)
    if question.session_id != into.session_id:
        raise ValidationError("Only questions in the same session can be merged")
    if question.status in (Question.MERGED, Question.ANSWERED):
        raise ValidationError(
            f"This question cannot be merged: it is {question.get_status_display().lower()}"
        )
    if into.status in (Question.MERGED, Question.REJECTED):
        raise ValidationError("Choose a question that is waiting or approved to merge into")
    Question.objects.filter(merged_into=question).update(merged_into=into)
    into.asked_count = F("asked_count") + question.asked_count
    into.save(update_fields=["asked_count"])
    question.status = Question.MERGED
    question.merged_into = into
    question.moderated_at = timezone.now()
    question.moderated_by = user
    question.save()
    _audit(user, "question.merge", question, into=into.pk)
    into.refresh_from_db()
    return question


@transaction.atomic
def question_move(*, question: Question, user, direction: str) -> Question:
    """Move an approved question up or down the host's running order."""
    _require(user, RUN)
    if direction not in ("up", "down"):
        raise ValidationError("Choose up or down")
    question = _locked(question)
    if question.status != Question.APPROVED:
        raise ValidationError("Only approved questions waiting for an answer can be moved")
    queue = list(
        Question.objects.select_for_update()
        .filter(session=question.session, status=Question.APPROVED)
        .order_by("position", "received_at", "id")
    )
    index = next(i for i, q in enumerate(queue) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(queue):
        queue[index], queue[other] = queue[other], queue[index]
    for position, item in enumerate(queue, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    _audit(user, "question.move", question, direction=direction)
    question.refresh_from_db()
    return question


@transaction.atomic
def question_answer(*, question: Question, user, answer: str) -> Question:
    """The host answers an approved question; while the session is live it appears on the public page."""
    _require(user, RUN)
    answer = clean_text(answer or "")
    if not answer:
        raise ValidationError({"answer": "Enter the answer"})
    if len(answer) > ANSWER_MAX:
        raise ValidationError({"answer": f"The answer must be {ANSWER_MAX} characters or fewer"})
    question = _locked(question)
    if question.session.state not in (QandASession.LIVE, QandASession.ANSWERED):
        raise ValidationError("Questions are answered while the session is live")
    if question.status not in (Question.APPROVED, Question.ANSWERED):
        raise ValidationError("Only approved questions can be answered")
    question.answer = answer
    question.status = Question.ANSWERED
    question.answered_at = question.answered_at or timezone.now()
    question.answered_by = user
    question.save()
    _audit(user, "question.answer", question)
    return question


# --- Published answers ----------------------------------------------------------------------------


def _sheet_items(session: QandASession) -> list[PublishedAnswer]:
    from .selectors import answered_questions

    return [
        PublishedAnswer(
            theme=question.theme.name if question.theme else "",
            question=question.shown_text[:PUBLISHED_QUESTION_MAX],
            asked_by=question.publication_name,
            asked_count=question.asked_count,
            answer=question.answer,
            sort_order=index,
        )
        # The answers' form takes up to ANSWERS_MAX items, so a draft never has more (PrepareAnswersView says
        # when some were left out).
        for index, question in enumerate(answered_questions(session=session, by_theme=True)[:ANSWERS_MAX])
    ]


@transaction.atomic
def answers_prepare(*, session: QandASession, user) -> AnswerSheet:
    """Copy the answered questions into a draft of the session's published answers. The public page
    changes only when that draft is approved through the moderation workflow."""
    _require(user, "qanda.change_answersheet")
    session = QandASession.objects.select_for_update().get(pk=session.pk)
    if session.state not in (QandASession.ANSWERED, QandASession.CLOSED):
        raise ValidationError("Prepare the answers once the session is over (marked answered)")
    items = _sheet_items(session)
    if not items:
        raise ValidationError("No questions have been answered yet")
    sheet = AnswerSheet.objects.filter(session=session).first()
    if sheet is not None and sheet.workflow_in_progress:
        raise ValidationError("The answers are waiting for approval: they cannot be prepared again now")
    if sheet is None:
        sheet = AnswerSheet(session=session, live=False)
        sheet.items = items
        sheet.save()
    else:
        sheet = sheet.get_latest_revision_as_object()
        sheet.items = items
    sheet.save_revision(user=user, log_action=True)
    _audit(user, "answers.prepare", session, items=len(items))
    return sheet


@transaction.atomic
def answers_submit(*, sheet: AnswerSheet, user):
    """Send the latest draft of the answers to the approval workflow (as the admin's "Submit" does)."""
    _require(user, "qanda.change_answersheet")
    workflow = sheet.get_workflow()
    if workflow is None:
        raise ValidationError("No approval workflow is set for Q&A answers")
    if sheet.workflow_in_progress:
        raise ValidationError("The answers are already waiting for approval")
    state = workflow.start(sheet, user)
    _audit(user, "answers.submit", sheet.session)
    return state


def answers_workflow_ensure() -> Workflow | None:
    """Put published answers under the same approval workflow as the site's pages (the content app's
    "Campaign approval": an editor submits, a campaign approver publishes). Runs after migrate and in
    seed_demo; an assignment an administrator made in Settings > Workflows is left alone."""
    content_type = ContentType.objects.get_for_model(AnswerSheet)
    assigned = (
        WorkflowContentType.objects.filter(content_type=content_type).select_related("workflow").first()
    )
    if assigned is not None:
        return assigned.workflow
    root = Page.get_first_root_node()
    workflow = root.get_workflow() if root is not None else None
    if workflow is None:
        return None
    WorkflowContentType.objects.create(workflow=workflow, content_type=content_type)
    return workflow
