"""Demo Q&A: a finished session on county lines with published answers, and an upcoming one that is open
for questions. Written for Beacon; dates move with today so the demo always has one of each."""

import datetime

from django.utils import timezone

from .models import AnswerSheet, PublishedAnswer, QandASession, Question, QuestionTheme
from .services import answers_workflow_ensure
from .tasks import schedule_fetch

THEMES = [
    ("Reporting and staying anonymous", 1),
    ("County lines and exploitation", 2),
    ("Support for families", 3),
    ("Policing in your area", 4),
]

FINISHED = {
    "slug": "county-lines-your-questions",
    "title": "County lines: your questions answered",
    "summary": (
        "Detective Sergeant Marcus Doyle from the Exploitation and Missing Team answered questions about county "
        "lines, how gangs draw children in, and what happens when you tell us something."
    ),
    "platform": "facebook",
    "link": "https://www.facebook.com/",
    "week_slug": "week-1-drug-harm-and-county-lines",
    "host": "Marcus Doyle",
}

# (theme, question as sent, question as published (blank: unchanged), display name, answer)
FINISHED_QUESTIONS = [
    (
        "County lines and exploitation",
        "What does county lines actually mean? I keep hearing it on the news.",
        "",
        "Jo",
        "It is the name for gangs from cities that sell drugs in smaller towns using a dedicated phone number, "
        "the 'line'. They often use children and vulnerable adults to carry drugs and money between places, "
        "because they think young people are less likely to be stopped.",
    ),
    (
        "County lines and exploitation",
        "How do gangs get kids involved in the first place?",
        "",
        "",
        "Usually it starts with something that looks like friendship or a favour: free food, a new phone, a lift, "
        "attention online. Then comes a 'debt' the child is told they must pay back by running errands. A child "
        "in that position is a victim of exploitation, and we treat them as one.",
    ),
    (
        "Reporting and staying anonymous",
        "If I tell you about the house on Kettering Road where the dealing goes on, will they find out it was me?",
        "If I report the house on my street where dealing goes on, will the dealers find out it was me?",
        "",
        "No. You can report without giving your name, and if you do give it we never share it with the people "
        "you tell us about. Our online form lets you stay anonymous and still answer follow-up questions.",
    ),
    (
        "Reporting and staying anonymous",
        "What actually happens after I send a report?",
        "",
        "Priya",
        "Every report is read by our triage team, usually the same day. They check it against other information, "
        "decide how urgent it is and pass it to the team for that area. You might not see an arrest straight "
        "away, but each report adds to the picture that lets us act.",
    ),
    (
        "Support for families",
        "My son has new trainers and cash and won't say where from. What should I do?",
        "",
        "",
        "Talk to him calmly and keep talking: shutting him out is what the gang wants. You can get advice from "
        "the organisations listed on our advice pages, speak to his school, or call 101 to talk to us. If you "
        "think he is in danger now, call 999.",
    ),
    (
        "Policing in your area",
        "Why don't we see more officers on the estates in the evening?",
        "",
        "Dev",
        "We have moved patrols to the evenings in the areas residents told us about, and the Beat Bus will visit "
        "estates across Northampton and Wellingborough during the campaign. Tell us where you feel unsafe: it "
        "shapes where we go.",
    ),
]

UPCOMING = {
    "slug": "young-people-safety-ask-us",
    "title": "Keeping young people safe: ask the Safer Schools team",
    "summary": (
        "Sergeant Tom Ellison and the Safer Schools and Youth Engagement Team take your questions about gangs, "
        "exploitation and staying safe on the way to and from school."
    ),
    "platform": "beat_bus",
    "location": "The Beat Bus, Market Square, Northampton, and on this website",
    "week_slug": "week-4-anti-social-behaviour",
    "host": "Tom Ellison",
}

UPCOMING_QUESTIONS = [
    (
        "What should I do if my daughter is being pressured to hide things for older friends?",
        "",
        Question.WEB,
    ),
    ("Are there police officers based in secondary schools in Rushden?", "Sam", Question.WEB),
    (
        "How can I tell if my daughter is being pressured by older kids to keep stuff at home for them?",
        "",
        Question.EMAIL,
    ),
]


def _optional_content():
    try:
        from beacon.content.models import CampaignWeekPage, Officer
    except ImportError:  # pragma: no cover - content always exists in Beacon
        return None, None
    return CampaignWeekPage, Officer


def _session(spec: dict, *, state: str, starts_at: datetime.datetime) -> QandASession:
    CampaignWeekPage, Officer = _optional_content()
    week = CampaignWeekPage.objects.filter(slug=spec["week_slug"]).first() if CampaignWeekPage else None
    host = Officer.objects.filter(name=spec["host"]).first() if Officer else None
    session, _ = QandASession.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "platform": spec["platform"],
            "link": spec.get("link", ""),
            "location": spec.get("location", ""),
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=1),
            "campaign_week": week,
            "host": host,
            "state": state,
        },
    )
    return session


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def seed(*, stdout) -> None:
    themes = {}
    for name, order in THEMES:
        themes[name], _ = QuestionTheme.objects.update_or_create(name=name, defaults={"sort_order": order})

    today = timezone.localdate()
    finished_day = today - datetime.timedelta(days=today.weekday() + 11)  # Thursday of the campaign's week 1
    finished = _session(FINISHED, state=QandASession.CLOSED, starts_at=_at(finished_day, 18, 30))
    for position, (theme, text, published, name, answer) in enumerate(FINISHED_QUESTIONS, start=1):
        Question.objects.update_or_create(
            session=finished,
            text=text,
            defaults={
                "publication_text": published,
                "display_name": name,
                "publication_name": name,
                "theme": themes[theme],
                "status": Question.ANSWERED,
                "answer": answer,
                "position": position,
                "received_at": finished.starts_at - datetime.timedelta(days=2, minutes=position * 37),
                "answered_at": finished.starts_at + datetime.timedelta(minutes=position * 8),
            },
        )
    Question.objects.update_or_create(
        session=finished,
        text="Can I get a reward for giving information about dealers?",
        defaults={
            "status": Question.REJECTED,
            "rejection_reason": "Answered in the advice pages (Crimestoppers rewards); not for this session.",
            "received_at": finished.starts_at - datetime.timedelta(days=1),
        },
    )
    sheet = AnswerSheet.objects.filter(session=finished).first()
    if sheet is None or not sheet.live:
        sheet = sheet or AnswerSheet(session=finished)
        sheet.introduction = (
            "Thank you to everyone who sent a question. Here are the answers, in the words checked and approved "
            "after the session."
        )
        sheet.items = [
            PublishedAnswer(
                theme=question.theme.name if question.theme else "",
                question=question.shown_text,
                asked_by=question.publication_name,
                asked_count=question.asked_count,
                answer=question.answer,
                sort_order=index,
            )
            for index, question in enumerate(
                Question.objects.filter(session=finished, status=Question.ANSWERED).order_by(
                    "theme__sort_order", "position"
                )
            )
        ]
        sheet.save()
        sheet.save_revision().publish(skip_permission_checks=True)

    upcoming_day = today + datetime.timedelta(days=7 - today.weekday() + 2)  # Wednesday next week
    upcoming = _session(UPCOMING, state=QandASession.OPEN, starts_at=_at(upcoming_day, 16, 0))
    for hours, (text, name, source) in enumerate(UPCOMING_QUESTIONS, start=1):
        Question.objects.update_or_create(
            session=upcoming,
            text=text,
            defaults={
                "display_name": name,
                "publication_name": name,
                "source": source,
                "received_at": timezone.now() - datetime.timedelta(hours=hours * 5),
            },
        )

    answers_workflow_ensure()
    scheduled = schedule_fetch()
    stdout.write(
        f"  qanda: 1 finished session with {len(FINISHED_QUESTIONS)} published answers, 1 open session with "
        f"{len(UPCOMING_QUESTIONS)} questions waiting{'; mailbox reads scheduled' if scheduled else ''}"
    )
