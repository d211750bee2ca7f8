"""The public Q&A pages and the staff screens, through the real URLs."""

import re
import sqlite3
from contextlib import closing

import pytest
from django.urls import reverse

from beacon.accounts import roles
from beacon.core.cache import throttle_cache
from beacon.qanda import services
from beacon.qanda.models import AnswerSheet, QandASession, Question, QuestionTheme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    throttle_cache.clear()
    yield
    throttle_cache.clear()


def token_from(response) -> str:
    return re.search(rb'name="token" value="([^"]+)"', response.content).group(1).decode()


def ask_page(session):
    return reverse("qanda:ask", kwargs={"slug": session.slug})


# --- Public pages ---------------------------------------------------------------------------------


def test_list_shows_live_open_and_past(client, make_session):
    live = make_session(state=QandASession.LIVE, title="Live one")
    upcoming = make_session(title="Upcoming one")
    past = make_session(state=QandASession.CLOSED, title="Past one")
    response = client.get("/qanda/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Live now") < html.index(live.title) < html.index("Open for questions")
    assert html.index("Open for questions") < html.index(upcoming.title) < html.index("Past sessions")
    assert html.index("Past sessions") < html.index(past.title)


def test_session_page_says_how_to_take_part(client, make_session, settings):
    settings.BEACON_QANDA_EMAIL_ADDRESS = "qanda@example.police.uk"
    session = make_session(slug="ask-us", platform="facebook", link="https://www.facebook.com/nvp")
    html = client.get(session.get_absolute_url()).content.decode()
    assert ask_page(session) in html
    assert "mailto:qanda+ask-us@example.police.uk" in html
    assert "https://www.facebook.com/nvp" in html
    assert "We keep only the words of your question, not your email address." in html
    assert "<script" not in html.split("</head>")[1]  # no script in the body
    assert "qanda/live.mjs" not in html  # only a live session loads the refresh script


def test_a_session_that_allows_replies_says_when_the_address_is_deleted(client, make_session, settings):
    settings.BEACON_QANDA_REPLY_ADDRESS_DAYS = 7
    session = make_session(allow_replies=True)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "We keep your email address so that we can reply, and delete it 7 days after the session." in html


def test_the_privacy_notice_says_what_the_qanda_keeps(client, settings):
    settings.BEACON_QANDA_REPLY_ADDRESS_DAYS = 3
    html = client.get("/privacy/").content.decode()
    assert "If you send a question to a live Q&amp;A" in html
    assert "we delete your email once we have read it" in html
    assert "delete it 3 days after the session" in html
    settings.BEACON_QANDA_ORIGINAL_DAYS = 21
    html = client.get("/privacy/").content.decode()
    assert "Once we publish the answers, or 21 days after the session at the latest, we keep only" in html
    assert "we delete its words and your name 21 days after the session." in html


def test_live_session_shows_answers_and_loads_the_refresh_module(client, make_session, editor):
    session = make_session(state=QandASession.LIVE, by=editor)
    question = services.question_approve(
        question=services.question_submit(session=session, text="Is cannabis legal now?")[0], user=editor
    )
    services.question_answer(question=question, user=editor, answer="No, it is a class B drug.")
    html = client.get(session.get_absolute_url()).content.decode()
    assert '<script type="module" src="/static/qanda/live.mjs"></script>' in html
    assert "Is cannabis legal now?" in html and "No, it is a class B drug." in html
    assert "Refresh the answers" in html  # the plain way, without the script

    data = client.get(reverse("qanda:live_answers", kwargs={"slug": session.slug})).json()
    assert data["live"] is True
    assert data["answers"] == [
        {
            "id": question.pk,
            "question": "Is cannabis legal now?",
            "asked_by": "",
            "asked_count": 1,
            "answer": "No, it is a class B drug.",
        }
    ]


def test_finished_session_shows_published_answers_by_theme_only(client, make_session, editor, approver):
    session = make_session(state=QandASession.LIVE, by=editor)
    theme = QuestionTheme.objects.create(name="Getting help", sort_order=1)
    question = services.question_approve(
        question=services.question_submit(session=session, text="Who helps parents?")[0],
        user=editor,
        theme=theme,
    )
    services.question_answer(
        question=question, user=editor, answer="Several charities; see our advice pages."
    )
    services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "will be published here once they have been checked" in html
    assert "Who helps parents?" not in html  # answered, but not yet approved for publication
    json = client.get(reverse("qanda:live_answers", kwargs={"slug": session.slug})).json()
    assert json == {"state": "answered", "live": False, "answers": []}

    sheet = services.answers_prepare(session=session, user=editor)
    sheet.get_latest_revision().publish(user=approver)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Getting help" in html and "Who helps parents?" in html
    assert "This session is no longer taking questions" in html


def test_unknown_session_and_wrong_methods(client, make_session):
    session = make_session()
    assert client.get("/qanda/no-such-session/").status_code == 404
    assert client.get("/qanda/no-such-session/ask/").status_code == 404
    assert client.get("/qanda/no-such-session/answers.json").status_code == 404
    assert client.post(session.get_absolute_url()).status_code == 405
    assert client.put(ask_page(session)).status_code == 405
    assert client.delete("/qanda/").status_code == 405


# --- Asking ---------------------------------------------------------------------------------------


def test_asking_a_question_then_the_confirmation(client, make_session):
    session = make_session()
    form = client.get(ask_page(session))
    assert form.status_code == 200
    response = client.post(
        ask_page(session),
        {"question": "What is county lines?", "display_name": "Jo", "token": token_from(form)},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "qanda:sent", kwargs={"slug": session.slug}
    )
    question = Question.objects.get()
    assert (question.text, question.display_name, question.source) == (
        "What is county lines?",
        "Jo",
        Question.WEB,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Question sent" in page
    assert 'href="/report/"' in page and 'href="tel:999"' in page and 'href="tel:101"' in page
    assert "not a way to report a crime" in page


def test_refreshing_the_post_counts_once(client, make_session):
    session = make_session()
    token = token_from(client.get(ask_page(session)))
    for _ in range(3):
        assert (
            client.post(
                ask_page(session), {"question": "Is the Beat Bus coming to Duston?", "token": token}
            ).status_code
            == 302
        )
    assert Question.objects.count() == 1


@pytest.mark.parametrize(
    ("question", "name", "message"),
    [
        ("", "", "Enter your question"),
        ("x" * 501, "", "Your question must be 500 characters or fewer"),
        ("https://spam.example https://spam.example/2", "", "not only links"),
        ("<script>alert(1)</script>", "", "must not include code"),
        ("<details open ontoggle=alert(1)>What is county lines?", "", "must not include code"),
        ("What happens next?", "<b>Sam</b>", "Your name must not include a link, an email address or code"),
        ("What happens next?", "https://spam.example", "Your name must not include a link"),
        ("What happens next?", "n" * 41, "Your name must be 40 characters or fewer"),
    ],
)
def test_bad_input_gets_an_error_summary_and_keeps_the_answers(client, make_session, question, name, message):
    session = make_session()
    token = token_from(client.get(ask_page(session)))
    response = client.post(ask_page(session), {"question": question, "display_name": name, "token": token})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "<title>Error: " in html
    assert token_from(response) == token  # correcting and sending again still counts once
    if question and "<" not in question:
        assert question[:50] in html
    assert "<script>alert(1)</script>" not in html and "<details open" not in html
    assert not Question.objects.exists()


def test_hostile_and_huge_input_never_errors(client, make_session):
    session = make_session()
    for payload in (
        {"question": "\x00\x01\ufffe" * 10, "display_name": "\u202e\u200b"},
        {"question": "A" * 200_000},
        {"question": "' OR 1=1; DROP TABLE qanda_question; --"},
        {"question": ["two", "values"], "display_name": ["a", "b"], "token": "../../etc"},
        {},
    ):
        response = client.post(ask_page(session), payload)
        assert response.status_code in (200, 302), payload
    assert (
        client.post(
            ask_page(session), b"\xff\xfe\x00garbage", content_type="application/octet-stream"
        ).status_code
        == 200
    )


def test_an_oversized_post_gets_a_page_saying_the_question_is_too_long(client, make_session, caplog):
    """Beyond Django's limit for form data (2 MB) the body is not read: a plain page says why and links back
    to the form, instead of the bare 400 page and an ERROR traceback in the log. The CSRF check still runs."""
    from django.test import Client

    from beacon.core.tests.test_error_pages import assert_safety_shell

    session = make_session()
    token = token_from(client.get(ask_page(session)))
    response = client.post(ask_page(session), {"question": "A" * (3 * 1024 * 1024), "token": token})
    assert response.status_code == 413
    body = response.content.decode()
    assert "Your answer is too long" in body and f'href="{ask_page(session)}"' in body
    assert_safety_shell(body)
    assert not Question.objects.exists()
    assert [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
    assert Client(enforce_csrf_checks=True).post(ask_page(session), {"question": "Hi"}).status_code == 403


def test_a_closed_session_refuses_politely(client, make_session):
    session = make_session(state=QandASession.CLOSED)
    for response in (
        client.get(ask_page(session)),
        client.post(ask_page(session), {"question": "Still open?"}),
    ):
        assert response.status_code == 200
        assert "This session is no longer taking questions" in response.content.decode()
    assert not Question.objects.exists()


def _limits(settings):
    per_client, total, _seconds = settings.BEACON_RATE_LIMITS["question"]
    return per_client, total


def test_throttling_per_client_keeps_nothing_identifying(fresh_window, client, make_session, settings):
    QUESTIONS_PER_WINDOW, _total = _limits(settings)
    session = make_session()
    for number in range(QUESTIONS_PER_WINDOW):
        response = client.post(
            ask_page(session),
            {"question": f"Question number {number} about county lines?"},
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == 302
    blocked = client.post(
        ask_page(session), {"question": "One too many about county lines?"}, REMOTE_ADDR="203.0.113.9"
    )
    assert blocked.status_code == 429
    assert "Wait 10 minutes" in blocked.content.decode()
    assert "One too many about county lines?" in blocked.content.decode()  # kept, to send again later
    assert Question.objects.count() == QUESTIONS_PER_WINDOW
    # Someone else is not affected.
    assert (
        client.post(
            ask_page(session), {"question": "A different person asking?"}, REMOTE_ADDR="198.51.100.4"
        ).status_code
        == 302
    )
    # The address is only ever a keyed hash, and only in the cache.
    with closing(sqlite3.connect(settings.CACHES["throttle"]["LOCATION"])) as throttle_file:
        keys = [key for (key,) in throttle_file.execute("SELECT key FROM cache") if ":question:" in key]
    assert keys and not any("203.0.113.9" in key for key in keys)
    stored = " ".join(
        str(v) for v in Question.objects.values_list("text", "display_name", "submission_token")
    )
    assert "203.0.113.9" not in stored


def test_visitors_behind_the_proxy_get_a_limit_each(fresh_window, client, make_session, settings):
    # Behind nginx every request comes from 127.0.0.1; the visitor's address is in the header nginx sets.
    settings.BEACON_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    per_client, _total = _limits(settings)
    session = make_session()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for number in range(per_client):
        response = client.post(
            ask_page(session),
            {"question": f"Visitor A asks question {number}?"},
            HTTP_X_REAL_IP="203.0.113.9",
            **proxy,
        )
        assert response.status_code == 302
    assert (
        client.post(
            ask_page(session),
            {"question": "Visitor A asks once more?"},
            HTTP_X_REAL_IP="203.0.113.9",
            **proxy,
        ).status_code
        == 429
    )
    response = client.post(
        ask_page(session),
        {"question": "Visitor B asks for the first time?"},
        HTTP_X_REAL_IP="198.51.100.4",
        **proxy,
    )
    assert response.status_code == 302


def test_the_total_limit_refuses_and_keeps_the_question(fresh_window, client, make_session, settings):
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "question": (10, 3, 600)}
    session = make_session()
    for number in range(3):
        response = client.post(
            ask_page(session),
            {"question": f"Question from visitor {number}?"},
            REMOTE_ADDR=f"198.51.100.{number}",
        )
        assert response.status_code == 302
    refused = client.post(
        ask_page(session),
        {"question": "A fourth visitor asks about the Beat Bus?"},
        REMOTE_ADDR="203.0.113.50",
    )
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "A lot of questions have been sent in a short time. Wait 10 minutes and try again." in html
    assert "A fourth visitor asks about the Beat Bus?" in html
    assert Question.objects.count() == 3


def test_sitemap_lists_sessions(make_session):
    from beacon.qanda.sitemaps import QandASitemap

    session = make_session()
    sitemap = QandASitemap()
    assert list(sitemap.items()) == [session]
    assert sitemap.location(session) == f"/qanda/{session.slug}/"


# --- Staff screens --------------------------------------------------------------------------------


@pytest.fixture
def editor_client(staff_client, editor):
    return staff_client(editor)


def test_moderation_screens(editor_client, make_session):
    session = make_session()
    question = services.question_submit(
        session=session, text="My neighbour Ann at number 3 is being cuckooed, what can I do?"
    )[0]
    duplicate = services.question_submit(
        session=session, text="What can I do if my neighbour is being cuckooed?"
    )[0]
    theme = QuestionTheme.objects.create(name="Cuckooing")

    listing = editor_client.get(reverse("qanda_admin:questions", args=[session.pk]))
    assert listing.status_code == 200 and "Ann at number 3" in listing.content.decode()

    review = editor_client.get(reverse("qanda_admin:review", args=[question.pk]))
    assert review.status_code == 200
    assert (
        "What can I do if my neighbour is being cuckooed?" in review.content.decode()
    )  # suggested duplicate

    response = editor_client.post(
        reverse("qanda_admin:review", args=[question.pk]),
        {
            "action": "approve",
            "publication_text": "My neighbour is being cuckooed, what can I do?",
            "theme": theme.pk,
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (
        question.status == Question.APPROVED
        and question.shown_text == "My neighbour is being cuckooed, what can I do?"
    )

    response = editor_client.post(
        reverse("qanda_admin:review", args=[duplicate.pk]), {"action": "merge", "into": question.pk}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == question

    third = services.question_submit(session=session, text="Buy cheap followers here today now")[0]
    no_reason = editor_client.post(
        reverse("qanda_admin:review", args=[third.pk]), {"action": "reject", "reason": ""}
    )
    assert no_reason.status_code == 400 and "Enter the reason" in no_reason.content.decode()
    editor_client.post(reverse("qanda_admin:review", args=[third.pk]), {"action": "reject", "reason": "Spam"})
    third.refresh_from_db()
    assert third.status == Question.REJECTED
    # Merging into something not suggested (another session's question) is refused.
    elsewhere = services.question_submit(
        session=make_session(), text="What can I do if my neighbour is being cuckooed?"
    )[0]
    fourth = services.question_submit(session=session, text="What can I do about cuckooing next door?")[0]
    bad = editor_client.post(
        reverse("qanda_admin:review", args=[fourth.pk]), {"action": "merge", "into": elsewhere.pk}
    )
    assert bad.status_code == 400
    assert editor_client.get(reverse("qanda_admin:review", args=[999999])).status_code == 404


def test_moderators_edit_or_hide_the_name_on_the_review_screen(client, editor_client, make_session, editor):
    session = make_session(state=QandASession.LIVE, by=editor)
    named, hidden = (
        services.question_submit(session=session, text=text, display_name=name)[0]
        for text, name in (
            ("Is it safe to walk home past the park?", "Kayden Smith Yr9 Riverside"),
            ("Who do I tell about older boys offering lifts?", "Mia Jones 10B"),
        )
    )
    review = editor_client.get(reverse("qanda_admin:review", args=[named.pk])).content.decode()
    assert 'name="publication_name"' in review and 'value="Kayden Smith Yr9 Riverside"' in review

    for question, name in ((named, "Kayden"), (hidden, "")):
        response = editor_client.post(
            reverse("qanda_admin:review", args=[question.pk]),
            {"action": "approve", "publication_text": question.text, "publication_name": name},
        )
        assert response.status_code == 302
    host = editor_client.get(reverse("qanda_admin:live", args=[session.pk])).content.decode()
    assert "From Kayden<" in host and "Smith" not in host and "Mia" not in host  # the host reads these aloud
    for question in (named, hidden):
        services.question_answer(question=question, user=editor, answer="Call 101, or 999 in danger.")
    too_long = editor_client.post(
        reverse("qanda_admin:review", args=[hidden.pk]),
        {"action": "save", "publication_text": hidden.text, "publication_name": "x" * 41},
    )
    assert too_long.status_code == 400

    page = client.get(session.get_absolute_url()).content.decode()
    data = client.get(reverse("qanda:live_answers", kwargs={"slug": session.slug})).json()
    assert {item["asked_by"] for item in data["answers"]} == {"Kayden", ""}
    assert "Asked by Kayden" in page
    for html in (page, str(data)):
        assert "Smith" not in html and "Riverside" not in html and "Mia" not in html


def test_live_view_state_and_publication(editor_client, make_session, editor):
    session = make_session(by=editor)
    question = services.question_approve(
        question=services.question_submit(session=session, text="Who do I call about needles?")[0],
        user=editor,
    )
    other = services.question_approve(
        question=services.question_submit(session=session, text="Is the park safe at night?")[0], user=editor
    )
    state_url = reverse("qanda_admin:state", args=[session.pk])
    assert editor_client.post(state_url, {"state": "live", "next": "live"}).status_code == 302
    session.refresh_from_db()
    assert session.state == QandASession.LIVE

    live_url = reverse("qanda_admin:live", args=[session.pk])
    page = editor_client.get(live_url).content.decode()
    assert page.index("Who do I call about needles?") < page.index("Is the park safe at night?")
    editor_client.post(live_url, {"question": other.pk, "action": "up"})
    page = editor_client.get(live_url).content.decode()
    assert page.index("Is the park safe at night?") < page.index("Who do I call about needles?")

    empty = editor_client.post(
        live_url, {"question": question.pk, "action": "answer", f"q{question.pk}-answer": ""}
    )
    assert empty.status_code == 400 and "Enter the answer" in empty.content.decode()
    done = editor_client.post(
        live_url,
        {
            "question": question.pk,
            "action": "answer",
            f"q{question.pk}-answer": "Call the council's needle line.",
        },
    )
    assert done.status_code == 302
    question.refresh_from_db()
    assert question.status == Question.ANSWERED

    editor_client.post(state_url, {"state": "answered"})
    response = editor_client.post(reverse("qanda_admin:prepare_answers", args=[session.pk]))
    sheet = AnswerSheet.objects.get(session=session)
    assert response.status_code == 302 and response["Location"] == reverse(
        "wagtailsnippets_qanda_answersheet:edit", args=[sheet.pk]
    )
    assert not sheet.live
    edit = editor_client.get(response["Location"])
    assert edit.status_code == 200 and "Call the council" in edit.content.decode()
    # The editor can submit for approval but not publish.
    assert "Campaign approval" in edit.content.decode()
    assert 'name="action-publish"' not in edit.content.decode()


def test_staff_screens_need_the_qanda_role(staff_client, make_staff, make_session):
    session = make_session()
    question = services.question_submit(session=session, text="A question for the host?")[0]
    triage = staff_client(make_staff(roles.TRIAGE_OFFICER))
    for url in (
        reverse("qanda_admin:questions", args=[session.pk]),
        reverse("qanda_admin:live", args=[session.pk]),
        reverse("qanda_admin:waiting", args=[session.pk]),
        reverse("qanda_admin:review", args=[question.pk]),
    ):
        response = triage.get(url)
        assert response.status_code in (302, 403)
        assert b"A question for the host?" not in response.content
    assert triage.post(reverse("qanda_admin:state", args=[session.pk]), {"state": "live"}).status_code in (
        302,
        403,
    )
    session.refresh_from_db()
    assert session.state == QandASession.OPEN


def test_admin_session_viewset_goes_through_services(editor_client):
    response = editor_client.post(
        reverse("qanda_sessions:add"),
        {
            "title": "Ask the Exploitation Team",
            "slug": "ask-exploitation-team",
            "summary": "",
            "platform": "website",
            "link": "",
            "location": "",
            "starts_at": "2030-05-01 18:00",
            "ends_at": "2030-05-01 19:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = QandASession.objects.get(slug="ask-exploitation-team")
    from beacon.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="qanda.session.create", object_id=str(session.pk)).exists()
    index = editor_client.get(reverse("qanda_sessions:index")).content.decode()
    assert reverse("qanda_admin:live", args=[session.pk]) in index


def test_admin_lists_render(editor_client, make_session, editor):
    session = make_session(state=QandASession.LIVE, by=editor)
    question = services.question_approve(
        question=services.question_submit(session=session, text="Is the park safe?")[0], user=editor
    )
    services.question_answer(question=question, user=editor, answer="We patrol it every evening.")
    services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    services.answers_prepare(session=session, user=editor)
    QuestionTheme.objects.create(name="Safety")
    for name in (
        "qanda_sessions:index",
        "qanda_themes:index",
        "qanda_emails:index",
        "wagtailsnippets_qanda_answersheet:list",
    ):
        response = editor_client.get(reverse(name))
        assert response.status_code == 200, name
    assert "Safety" in editor_client.get(reverse("qanda_themes:index")).content.decode()


def test_the_host_view_can_tell_when_new_questions_are_waiting(editor_client, make_session, editor):
    session = make_session(by=editor, state=QandASession.LIVE)
    first, second = (
        services.question_approve(
            question=services.question_submit(session=session, text=text)[0], user=editor
        )
        for text in ("Who runs the Beat Bus?", "Where is the next drop-in?")
    )
    services.question_submit(session=session, text="Still waiting for moderation?")  # pending: not counted
    page = editor_client.get(reverse("qanda_admin:live", args=[session.pk])).content.decode()
    waiting_url = reverse("qanda_admin:waiting", args=[session.pk])
    assert f'data-url="{waiting_url}" data-known="{first.pk},{second.pk}"' in page
    assert '<script type="module" src="/static/qanda/live.mjs"></script>' in page

    third = services.question_approve(
        question=services.question_submit(session=session, text="Can I bring my child?")[0], user=editor
    )
    response = editor_client.get(waiting_url)
    assert response["Content-Type"] == "application/json" and "no-store" in response["Cache-Control"]
    assert response.json() == {"waiting": [first.pk, second.pk, third.pk], "live": True}
    services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    assert editor_client.get(waiting_url).json()["live"] is False


def test_a_question_is_taken_when_the_rate_limit_cannot_count(
    client, make_session, monkeypatch, unreachable_cache
):
    from beacon.core import cache

    monkeypatch.setattr(cache, "throttle_cache", unreachable_cache)
    session = make_session()
    response = client.post(ask_page(session), {"question": "Is the Beat Bus coming to Kingsthorpe?"})
    assert response.status_code == 302 and Question.objects.count() == 1


def test_moderation_screens_after_the_words_as_sent_are_gone(editor_client, editor, make_session, settings):
    """Once qanda_purge has run, the screens show what is left and offer nothing for a deleted question."""
    import datetime

    import time_machine
    from django.core.management import call_command

    settings.BEACON_QANDA_ORIGINAL_DAYS = 30
    session = make_session(by=editor, starts_in_days=-1, state=QandASession.LIVE)
    kept = services.question_approve(
        question=services.question_submit(
            session=session, text="My neighbour Ann is being cuckooed, what can I do?", display_name="Bo"
        )[0],
        user=editor,
        publication_text="My neighbour is being cuckooed, what can I do?",
    )
    gone = services.question_reject(
        question=services.question_submit(
            session=session, text="What can I do if Ann next door is cuckooed?", display_name="Cy Dent"
        )[0],
        user=editor,
        reason="Names a neighbour",
    )
    services.session_transition(session=session, user=editor, state=QandASession.CLOSED)
    with time_machine.travel(session.ends_at + datetime.timedelta(days=30, minutes=1), tick=False):
        call_command("qanda_purge")

    listing = editor_client.get(reverse("qanda_admin:questions", args=[session.pk]), {"status": "rejected"})
    content = listing.content.decode()
    assert listing.status_code == 200 and "Deleted after the session" in content
    assert "Ann" not in content and "Cy Dent" not in content and "Names a neighbour" not in content

    review = editor_client.get(reverse("qanda_admin:review", args=[gone.pk]))
    content = review.content.decode()
    assert review.status_code == 200 and "This question can no longer be moderated." in content
    assert 'name="action"' not in content and "Ann" not in content
    refused = editor_client.post(
        reverse("qanda_admin:review", args=[gone.pk]), {"action": "approve", "publication_text": "Hello?"}
    )
    assert refused.status_code == 400 and "can no longer be moderated" in refused.content.decode()
    assert Question.objects.get(pk=gone.pk).status == Question.REJECTED

    review = editor_client.get(reverse("qanda_admin:review", args=[kept.pk]))
    content = review.content.decode()
    assert "The question as published" in content and "My neighbour is being cuckooed" in content
    assert "Ann" not in content and 'value="reject"' in content  # still moderated as before


def _prepared_answers(session, editor):
    question = services.question_approve(
        question=services.question_submit(session=session, text="Is the park safe?")[0], user=editor
    )
    services.question_answer(question=question, user=editor, answer="We patrol it every evening.")
    services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    return services.answers_prepare(session=session, user=editor)


def test_answers_and_the_email_log_are_never_added_in_the_admin(
    make_staff, staff_client, make_session, editor
):
    """Beacon makes these rows itself; the admin's "add" form could not make a valid one (a 500 on saving)."""
    _prepared_answers(make_session(state=QandASession.LIVE, by=editor), editor)
    superuser = staff_client(make_staff(roles.ADMINISTRATOR, superuser=True))
    for listing, add in (
        ("wagtailsnippets_qanda_answersheet:list", "wagtailsnippets_qanda_answersheet:add"),
        ("qanda_emails:index", "qanda_emails:add"),
    ):
        assert reverse(add) not in superuser.get(reverse(listing)).content.decode()
        assert superuser.get(reverse(add)).status_code in (302, 403)
        assert superuser.post(reverse(add), {"introduction": "x", "note": "x"}).status_code in (302, 403)
    assert AnswerSheet.objects.count() == 1


@pytest.mark.parametrize("pk", ["abc", "%C2%B2", "a" * 300])
def test_comparing_answers_by_an_id_that_is_not_one_is_not_found(editor_client, make_session, editor, pk):
    sheet = _prepared_answers(make_session(state=QandASession.LIVE, by=editor), editor)
    base = "/admin/snippets/qanda/answersheet/history"
    revision = sheet.latest_revision.pk
    assert editor_client.get(f"{base}/{sheet.pk}/revisions/compare/{revision}...latest/").status_code == 200
    assert editor_client.get(f"{base}/{pk}/revisions/compare/{revision}...latest/").status_code == 404


@pytest.mark.parametrize("item_id", [None, "abc", "\u00b2", ""])
def test_editing_answers_with_an_item_id_missing_or_not_an_id_shows_the_form(
    editor_client, make_session, editor, item_id
):
    """modelcluster's formset read each item's id as it came: a KeyError or ValidationError, a 500."""
    sheet = _prepared_answers(make_session(state=QandASession.LIVE, by=editor), editor)
    data = {
        "introduction": "Thank you",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    if item_id is not None:
        data["items-0-id"] = item_id
    response = editor_client.post(reverse("wagtailsnippets_qanda_answersheet:edit", args=[sheet.pk]), data)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()  # the item's question and answer


@pytest.mark.parametrize("total", ["201", "100000", "2000000000"])
def test_editing_answers_with_a_forged_number_of_items_says_how_many_and_stays_fast(
    editor_client, make_session, editor, total
):
    """The answers' formset takes the number of items the browser says it sent: a forged count made the server
    build up to 2,000 forms (Django's own cap) and then say nothing useful. Now it builds at most
    ANSWERS_MAX + 1 and says how many one session may have."""
    import time

    from beacon.qanda.models import ANSWERS_MAX

    sheet = _prepared_answers(make_session(state=QandASession.LIVE, by=editor), editor)
    url = reverse("wagtailsnippets_qanda_answersheet:edit", args=[sheet.pk])
    data = {
        "introduction": "Thank you",
        "items-TOTAL_FORMS": total,
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    started = time.monotonic()
    response = editor_client.post(url, data)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert f"A session can have up to {ANSWERS_MAX} questions and answers" in response.content.decode()
    assert len(response.context["form"].formsets["items"].forms) <= ANSWERS_MAX
    assert elapsed < 20, elapsed  # building and showing 2,000 forms took some 40 seconds
    sheet.refresh_from_db()
    assert (
        sheet.latest_revision.content["items"][0]["answer"] == "We patrol it every evening."
    )  # nothing saved


def test_preparing_answers_takes_what_one_session_may_publish_and_says_so(
    editor_client, make_session, editor, monkeypatch
):
    """The answers' form takes up to ANSWERS_MAX items: a draft with more could never be saved or approved."""
    from beacon.qanda import admin_views

    monkeypatch.setattr(services, "ANSWERS_MAX", 2)
    monkeypatch.setattr(admin_views, "ANSWERS_MAX", 2)
    session = make_session(state=QandASession.LIVE, by=editor)
    for text in ("Is the park safe at night?", "Who do I call about needles?", "What is county lines?"):
        question = services.question_approve(
            question=services.question_submit(session=session, text=text)[0], user=editor
        )
        services.question_answer(question=question, user=editor, answer="We will tell you.")
    services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    response = editor_client.post(reverse("qanda_admin:prepare_answers", args=[session.pk]), follow=True)
    sheet = AnswerSheet.objects.get(session=session).get_latest_revision_as_object()
    assert [item.question for item in sheet.items.all()] == [
        "Is the park safe at night?",
        "Who do I call about needles?",
    ]
    assert "The draft has the first 2 of the 3 answered questions" in response.content.decode()
