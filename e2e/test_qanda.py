"""Live Q&A in a real browser: every public page and the host's live view pass axe-core, asking works
with and without JavaScript, and a live session page picks up new answers by itself."""

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import roles
from beacon.qanda import admin_views, services, views
from beacon.qanda.models import QandASession, Question, QuestionTheme
from e2e.conftest import assert_no_cut_off_tables

pytestmark = pytest.mark.django_db(transaction=True)


def make_session(user, *, state=QandASession.OPEN, title="Drugs and county lines: ask us"):
    start = timezone.now() + datetime.timedelta(days=2)
    session = services.session_save(
        user=user,
        data={
            "title": title,
            "slug": f"ask-us-{uuid.uuid4().hex[:6]}",
            "summary": "Officers from the Exploitation Team answer your questions.",
            "platform": "facebook",
            "link": "https://www.facebook.com/",
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=1),
        },
    )
    steps = {
        QandASession.OPEN: [],
        QandASession.LIVE: [QandASession.LIVE],
        QandASession.ANSWERED: [QandASession.LIVE, QandASession.ANSWERED],
        QandASession.CLOSED: [QandASession.LIVE, QandASession.ANSWERED, QandASession.CLOSED],
    }[state]
    for step in steps:
        session = services.session_transition(session=session, user=user, state=step)
    return session


def answered(session, user, text, answer, theme=None):
    question = services.question_submit(session=session, text=text)[0]
    services.question_approve(question=question, user=user, theme=theme)
    return services.question_answer(question=question, user=user, answer=answer)


def both_widths(page, axe):
    axe(page)
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page)
    assert_no_cut_off_tables(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_public_pages_pass_axe_and_asking_works(page, live_server, make_staff, axe):
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    approver = make_staff(roles.CAMPAIGN_APPROVER)
    open_session = make_session(editor)
    finished = make_session(editor, state=QandASession.LIVE, title="Cuckooing: your questions")
    theme = QuestionTheme.objects.create(name="Spotting the signs")
    answered(
        finished,
        editor,
        "How do I know if a flat is being cuckooed?",
        "Lots of short visits at all hours.",
        theme,
    )
    services.session_transition(session=finished, user=editor, state=QandASession.ANSWERED)
    services.answers_prepare(session=finished, user=editor).get_latest_revision().publish(user=approver)
    closed = make_session(editor, state=QandASession.CLOSED, title="Last month's session")
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None,
    )

    page.goto(live_server.url + "/qanda/")
    both_widths(page, axe)
    page.goto(live_server.url + finished.get_absolute_url())
    assert page.get_by_role("heading", name="Spotting the signs").is_visible()
    both_widths(page, axe)
    page.goto(live_server.url + closed.get_absolute_url() + "ask/")
    assert page.get_by_role("heading", name="This session is no longer taking questions").is_visible()
    both_widths(page, axe)

    page.goto(live_server.url + open_session.get_absolute_url())
    both_widths(page, axe)
    page.get_by_role("button", name="Ask a question").click()
    both_widths(page, axe)
    page.get_by_role("button", name="Send question").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    both_widths(page, axe)
    page.get_by_role("link", name="Enter your question").click()
    assert page.evaluate("document.activeElement.id") == "id_question"
    page.get_by_label("Your question").fill(
        "What should I do if I think my son is carrying drugs for someone?"
    )
    page.get_by_label("Your first name or a nickname (optional)").fill("Sam")
    page.get_by_role("button", name="Send question").click()
    page.get_by_role("heading", name="Question sent").wait_for()
    both_widths(page, axe)
    question = Question.objects.get(session=open_session)
    assert question.display_name == "Sam" and question.source == Question.WEB
    assert outside == [], f"requests left our origin: {outside}"


def test_asking_without_javascript(no_js_page, live_server, make_staff):
    session = make_session(make_staff(roles.CAMPAIGN_EDITOR))
    no_js_page.goto(live_server.url + session.get_absolute_url() + "ask/")
    no_js_page.get_by_label("Your question").fill("Is there a Beat Bus stop in Rushden this month?")
    no_js_page.get_by_role("button", name="Send question").click()
    no_js_page.get_by_role("heading", name="Question sent").wait_for()
    # Back and send again (a refresh or a double click): still one question.
    no_js_page.go_back()
    no_js_page.get_by_role("button", name="Send question").click()
    no_js_page.get_by_role("heading", name="Question sent").wait_for()
    assert Question.objects.filter(session=session).count() == 1


def test_live_page_refreshes_its_answers(page, no_js_page, live_server, make_staff, axe, monkeypatch):
    monkeypatch.setattr(views, "LIVE_REFRESH_SECONDS", 2)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    session = make_session(editor, state=QandASession.LIVE)
    answered(session, editor, "What is a deal line?", "A phone number used to sell drugs.")
    page.goto(live_server.url + session.get_absolute_url())
    answers = page.locator("[data-qanda-answers] > li")
    assert answers.count() == 1
    both_widths(page, axe)

    answered(
        session, editor, "Who can parents talk to?", "Your school, 101, or the charities on our advice pages."
    )
    page.get_by_text("Who can parents talk to?").wait_for(timeout=15_000)
    assert answers.count() == 2
    assert page.locator("[data-qanda-announce]").text_content() == "1 new answer"
    axe(page)

    # Without JavaScript the page shows the answers as they were, and a link to refresh.
    no_js_page.goto(live_server.url + session.get_absolute_url())
    assert no_js_page.locator("[data-qanda-answers] > li").count() == 2
    assert no_js_page.get_by_role("link", name="Refresh the answers").is_visible()


def test_host_live_view_passes_axe_and_answers_in_one_click(
    browser, live_server, make_staff, axe, monkeypatch
):
    monkeypatch.setattr(admin_views, "HOST_REFRESH_SECONDS", 2)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    session = make_session(editor, state=QandASession.LIVE)
    for text in ("Are knife arches used at the station?", "What is the Beat Bus?"):
        services.question_approve(
            question=services.question_submit(session=session, text=text)[0], user=editor
        )

    client = Client()
    client.force_login(editor)
    django_session = client.session
    django_session["otp_device_id"] = TOTPDevice.objects.get(user=editor).persistent_id
    django_session.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/admin/qanda/sessions/{session.pk}/live/")
        assert page.get_by_role("heading", name="To answer, in running order").is_visible()
        axe(page)
        first = page.locator("ol.beacon-qanda-live > li").first
        assert first.get_by_role("heading").text_content() == "Are knife arches used at the station?"
        first.get_by_label("Answer").fill("Sometimes, at busy times.")
        first.get_by_role("button", name="Mark answered").click()
        page.get_by_text("Marked as answered.").wait_for()
        # Let the admin's message finish fading in: axe measures colours as they are at that moment.
        page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
        axe(page)
        assert Question.objects.get(text="Are knife arches used at the station?").status == Question.ANSWERED

        # A question approved while the host is on the page is announced; nothing is redrawn under their typing.
        first = page.locator("ol.beacon-qanda-live > li").first
        first.get_by_label("Answer").fill("Half-typed answer")
        services.question_approve(
            question=services.question_submit(session=session, text="Is the Beat Bus free to visit?")[0],
            user=editor,
        )
        notice = page.locator("[data-qanda-host-notice]")
        notice.get_by_text("1 new question is waiting.").wait_for(timeout=15_000)
        assert first.get_by_label("Answer").input_value() == "Half-typed answer"
        axe(page)
        notice.get_by_role("link", name="Reload the list").click()
        page.get_by_role("heading", name="Is the Beat Bus free to visit?").wait_for()

        # The moderation screens too.
        pending = services.question_submit(
            session=session, text="How do I know if my flat is being used by dealers?"
        )[0]
        services.question_submit(
            session=session, text="How can I tell if dealers are using my neighbour's flat?"
        )
        page.goto(f"{live_server.url}/admin/qanda/sessions/{session.pk}/questions/")
        both_widths(page, axe)
        page.goto(f"{live_server.url}/admin/qanda/questions/{pending.pk}/")
        assert page.get_by_text("How can I tell if dealers are using my neighbour's flat?").is_visible()
        axe(page)
    finally:
        context.close()
