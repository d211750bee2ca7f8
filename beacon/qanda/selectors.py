"""Reads for the Q&A pages, the staff screens, the campaign pages and the campaign dashboard."""

from __future__ import annotations

import datetime
from collections import OrderedDict

from django.db.models import Count, F, Q
from django.utils import timezone

from . import similarity
from .models import AnswerSheet, PublishedAnswer, QandASession, Question

NO_THEME = "Other questions"


def _sessions():
    return QandASession.objects.select_related("host")


def session_list() -> dict[str, list[QandASession]]:
    """The public list: live now, open for questions (soonest first), and past sessions."""
    live, upcoming, past = [], [], []
    for session in _sessions().order_by("starts_at"):
        if session.state == QandASession.LIVE:
            live.append(session)
        elif session.state == QandASession.OPEN:
            upcoming.append(session)
        else:
            past.append(session)
    past.reverse()
    return {"live": live, "upcoming": upcoming, "past": past}


def session_get(*, slug: str) -> QandASession | None:
    return _sessions().filter(slug=slug).first()


def sessions_for_week(*, week) -> list[QandASession]:
    """The Q&A sessions linked to a campaign week, for the week's page (contract with content)."""
    return list(_sessions().filter(campaign_week=week).order_by("starts_at"))


def question_counts(*, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """For the campaign dashboard (contract with insights): questions received between `start` and
    `end` (inclusive, local dates; every question sent, by web or email, whatever moderation made of
    it) and questions answered in that time."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    counts = Question.objects.aggregate(
        asked=Count("id", filter=Q(received_at__gte=since, received_at__lt=until)),
        answered=Count(
            "id",
            filter=Q(status=Question.ANSWERED, answered_at__gte=since, answered_at__lt=until),
        ),
    )
    return {"asked": counts["asked"] or 0, "answered": counts["answered"] or 0}


def next_open_session(*, now: datetime.datetime | None = None) -> QandASession | None:
    """Where an email that names no session goes: a live session, else the soonest open one."""
    now = now or timezone.now()
    live = QandASession.objects.filter(state=QandASession.LIVE).order_by("starts_at").first()
    if live:
        return live
    open_sessions = QandASession.objects.filter(state=QandASession.OPEN)
    return (
        open_sessions.filter(ends_at__gte=now).order_by("starts_at").first()
        or open_sessions.order_by("-starts_at").first()
    )


def answered_questions(*, session: QandASession, by_theme: bool = False):
    rows = Question.objects.filter(session=session, status=Question.ANSWERED).select_related("theme")
    if by_theme:
        # Questions with no theme come last ("Other questions"), on SQLite and PostgreSQL alike.
        return rows.order_by(
            F("theme__sort_order").asc(nulls_last=True),
            F("theme__name").asc(nulls_last=True),
            "answered_at",
            "id",
        )
    return rows.order_by("-answered_at", "-id")


def live_answers(*, session: QandASession) -> list[dict]:
    """What the public page shows (and the refresh script fetches) while a session is live:
    the answered questions, newest first, in the words and under the name approved for publication."""
    if session.state != QandASession.LIVE:
        return []
    return [
        {
            "id": question.pk,
            "question": question.shown_text,
            "asked_by": question.publication_name,
            "asked_count": question.asked_count,
            "answer": question.answer,
            "answered_at": question.answered_at,
        }
        for question in answered_questions(session=session)
    ]


def published_answers(*, session: QandASession) -> list[tuple[str, list]] | None:
    """The approved, published answers grouped by theme, or None while there are none. Rows in the
    database are the live version: a draft waiting for approval lives only in its revision."""
    items = list(
        PublishedAnswer.objects.filter(sheet__session=session, sheet__live=True).order_by("sort_order", "id")
    )
    if not items:
        return None
    groups: OrderedDict[str, list] = OrderedDict()
    for item in items:
        groups.setdefault(item.theme or NO_THEME, []).append(item)
    return list(groups.items())


def answer_sheet(*, session: QandASession) -> AnswerSheet | None:
    return AnswerSheet.objects.filter(session=session).first()


# --- Staff ----------------------------------------------------------------------------------------


def moderation_queue(*, session: QandASession, status: str = Question.PENDING):
    return (
        Question.objects.filter(session=session, status=status)
        .select_related("theme", "merged_into")
        .order_by("received_at", "id")
    )


def status_counts(*, session: QandASession) -> dict[str, int]:
    counts = dict(
        Question.objects.filter(session=session).values_list("status").annotate(n=Count("id")).order_by()
    )
    return {status: counts.get(status, 0) for status, _label in Question.STATUSES}


def live_queue(*, session: QandASession):
    return (
        Question.objects.filter(session=session, status=Question.APPROVED)
        .select_related("theme")
        .order_by("position", "received_at", "id")
    )


def similar_questions(*, question: Question, limit: int = 3) -> list[tuple[Question, float]]:
    """Questions in the same session that may ask the same thing, best first, for merging."""
    candidates = Question.objects.filter(
        session=question.session_id,
        status__in=[Question.PENDING, Question.APPROVED, Question.ANSWERED],
    ).exclude(Q(pk=question.pk) | Q(text=""))  # no text: deleted after the session (nothing to merge into)
    by_id = {q.pk: q for q in candidates}
    ranked = similarity.rank(question.text, [(pk, q.text) for pk, q in by_id.items()], limit=limit)
    return [(by_id[pk], value) for pk, value in ranked]
