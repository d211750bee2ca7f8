"""Every state change in the Q&A goes through a service: sessions, questions, moderation, live answers
and the approval of published answers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.accounts import roles
from beacon.core.models import AuditEvent
from beacon.qanda import selectors, services
from beacon.qanda.models import AnswerSheet, QandASession, Question, QuestionTheme

pytestmark = pytest.mark.django_db


def ask(session, text, **kwargs):
    question, created = services.question_submit(session=session, text=text, **kwargs)
    assert created
    return question


# --- Sessions -------------------------------------------------------------------------------------


def test_session_moves_open_live_answered_closed_with_audit(make_session, editor):
    session = make_session(by=editor)
    assert session.state == QandASession.OPEN
    for state in (QandASession.LIVE, QandASession.ANSWERED, QandASession.CLOSED):
        session = services.session_transition(session=session, user=editor, state=state)
        assert session.state == state
    changes = AuditEvent.objects.filter(action="qanda.session.state", object_id=str(session.pk))
    assert changes.count() == 3
    assert AuditEvent.objects.filter(action="qanda.session.create", object_id=str(session.pk)).exists()


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (QandASession.OPEN, QandASession.ANSWERED),
        (QandASession.LIVE, QandASession.OPEN),
        (QandASession.CLOSED, QandASession.LIVE),
        (QandASession.ANSWERED, QandASession.LIVE),
        (QandASession.OPEN, "nonsense"),
    ],
)
def test_session_refuses_impossible_moves(make_session, editor, start, to):
    session = make_session(state=start, by=editor)
    with pytest.raises(ValidationError):
        services.session_transition(session=session, user=editor, state=to)
    session.refresh_from_db()
    assert session.state == start


def test_only_qanda_staff_run_sessions(make_session, make_staff):
    session = make_session()
    triage = make_staff(roles.TRIAGE_OFFICER)
    with pytest.raises(PermissionDenied):
        services.session_transition(session=session, user=triage, state=QandASession.LIVE)
    with pytest.raises(PermissionDenied):
        services.session_save(user=triage, data={"title": "x"})


def test_session_details_are_checked(editor):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.session_save(
            user=editor,
            data={
                "title": "Ask us",
                "slug": "ask-us",
                "starts_at": now,
                "ends_at": now - datetime.timedelta(hours=1),
                "link": "http://insecure.example",
            },
        )
    assert set(error.value.message_dict) >= {"ends_at", "link"}
    with pytest.raises(ValidationError):
        services.session_save(user=editor, data={"title": "x", "state": "live"})


def test_closing_a_session_forgets_reply_addresses(make_session, editor):
    session = make_session(by=editor, allow_replies=True)
    question = ask(
        session,
        "Can someone reply to me about the youth club?",
        source=Question.EMAIL,
        reply_to="pat@example.org",
    )
    assert question.reply_to == "pat@example.org"
    for state in (QandASession.LIVE, QandASession.CLOSED):
        services.session_transition(session=session, user=editor, state=state)
    question.refresh_from_db()
    assert question.reply_to == ""


def test_reply_addresses_are_deleted_a_set_time_after_the_session_whatever_its_state(
    make_session, editor, settings
):
    import time_machine
    from django.core.management import call_command

    assert ("qanda_purge", 60 * 60) in settings.BEACON_SCHEDULE  # run_schedule runs it hourly
    settings.BEACON_QANDA_REPLY_ADDRESS_DAYS = 7
    left_open = make_session(by=editor, allow_replies=True, starts_in_days=1)
    answered = make_session(by=editor, allow_replies=True, starts_in_days=1)
    later = make_session(by=editor, allow_replies=True, starts_in_days=30)
    questions = {
        session.pk: ask(
            session,
            "Can someone reply to me about the youth club?",
            source=Question.EMAIL,
            reply_to="pat@example.org",
        )
        for session in (left_open, answered, later)
    }
    for state in (QandASession.LIVE, QandASession.ANSWERED):  # staff never close it
        services.session_transition(session=answered, user=editor, state=state)

    def kept() -> set[int]:
        return {
            q.session_id
            for q in Question.objects.filter(pk__in=[q.pk for q in questions.values()])
            if q.reply_to
        }

    with time_machine.travel(left_open.ends_at + datetime.timedelta(days=7, minutes=-1), tick=False):
        call_command("qanda_purge")
    assert kept() == {left_open.pk, answered.pk, later.pk}  # staff can still reply
    with time_machine.travel(left_open.ends_at + datetime.timedelta(days=7, minutes=1), tick=False):
        call_command("qanda_purge")
    assert kept() == {later.pk}
    audit = AuditEvent.objects.filter(action="qanda.session.reply_addresses_removed")
    assert sorted(audit.values_list("object_id", flat=True)) == sorted([str(left_open.pk), str(answered.pk)])
    assert set(audit.values_list("actor_name", flat=True)) == {"system"}


def test_the_words_and_names_as_sent_are_kept_only_until_publication_or_a_set_time_after_the_session(
    make_session, editor, settings
):
    import time_machine
    from django.core.management import call_command

    settings.BEACON_QANDA_ORIGINAL_DAYS = 30
    published = make_session(by=editor, starts_in_days=-1, state=QandASession.LIVE)  # ended yesterday
    unpublished = make_session(by=editor, starts_in_days=-1, state=QandASession.LIVE)
    theme = QuestionTheme.objects.create(name="Exploitation", sort_order=1)
    edited = services.question_approve(
        question=ask(
            published, "Mr Jones on Park Road grooms kids, what are the signs?", display_name="Sam Patel"
        ),
        user=editor,
        publication_text="What are the signs a child is being groomed?",
        publication_name="Sam",
        theme=theme,
    )
    plain = services.question_approve(
        question=ask(published, "What are the signs my child is being groomed?", display_name="Jo"),
        user=editor,
    )
    waiting_answer = services.question_approve(
        question=ask(published, "Who do I call about a cuckooed flat?", display_name="Alex Brown"),
        user=editor,
        publication_name="",
    )
    rejected = services.question_reject(
        question=ask(published, "Is my neighbour at 4 Elm Close dealing?", display_name="Pat Green"),
        user=editor,
        reason="Names an address",
    )
    merged = services.question_merge(
        question=ask(published, "Signs of grooming in children at school?", display_name="Chris"),
        into=plain,
        user=editor,
    )
    pending = ask(published, "Signs a child is being groomed online?", display_name="Lee")
    for question in (edited, plain):
        services.question_answer(question=question, user=editor, answer="Unexplained money, new phones.")
    later = services.question_approve(
        question=ask(unpublished, "Can I report anonymously about Dean Smith?", display_name="Kim"),
        user=editor,
        publication_text="Can I report anonymously?",
    )
    services.question_answer(question=later, user=editor, answer="Yes.")
    later_rejected = services.question_reject(
        question=ask(unpublished, "Why did PC Hall ignore me?", display_name="Max"),
        user=editor,
        reason="Complaint",
    )
    for session in (published, unpublished):
        services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    assert plain.pk in {q.pk for q, _ in selectors.similar_questions(question=edited)}
    assert pending.pk in {q.pk for q, _ in selectors.similar_questions(question=plain)}
    sheet = services.answers_prepare(session=published, user=editor)
    call_command("qanda_purge")
    assert Question.objects.filter(original_removed_at__isnull=False).count() == 0  # not published yet
    sheet.get_latest_revision().publish(user=editor, skip_permission_checks=True)

    def fields(question):
        question.refresh_from_db()
        return (
            question.text,
            question.display_name,
            question.publication_text,
            question.publication_name,
            question.rejection_reason,
        )

    # Published: the approved questions keep only the words and name shown; the others wait for 30 days.
    call_command("qanda_purge")
    assert fields(edited) == (
        "What are the signs a child is being groomed?",
        "Sam",
        "What are the signs a child is being groomed?",
        "Sam",
        "",
    )
    assert fields(plain) == ("What are the signs my child is being groomed?", "Jo", "", "Jo", "")
    assert fields(waiting_answer) == ("Who do I call about a cuckooed flat?", "", "", "", "")
    assert fields(rejected)[0] == "Is my neighbour at 4 Elm Close dealing?" and rejected.rejection_reason
    assert fields(merged)[1] == "Chris" and fields(pending)[1] == "Lee"
    assert fields(later)[0] == "Can I report anonymously about Dean Smith?"  # not published: kept for now
    # Moderation and the duplicate suggestions still work on the published words.
    assert plain.pk in {q.pk for q, _ in selectors.similar_questions(question=edited)}
    services.question_edit(question=plain, user=editor, publication_text="What are the signs?", theme=theme)

    end = published.ends_at + datetime.timedelta(days=30)
    with time_machine.travel(end - datetime.timedelta(minutes=1), tick=False):
        call_command("qanda_purge")
    assert fields(rejected)[4] == "Names an address" and fields(later)[1] == "Kim"
    with time_machine.travel(end + datetime.timedelta(minutes=1), tick=False):
        call_command("qanda_purge")
    # Never published: nothing of the words, the names or the reason is left.
    for question in (rejected, merged, pending, later_rejected):
        assert fields(question) == ("", "", "", "", ""), question.pk
        assert question.original_deleted and question.original_removed_at is not None
    assert fields(later) == ("Can I report anonymously?", "Kim", "Can I report anonymously?", "Kim", "")
    assert fields(edited)[:2] == ("What are the signs a child is being groomed?", "Sam")
    # The rows stay: the dashboard counts every question asked, and the merge its askers.
    assert Question.objects.count() == 8 and Question.objects.get(pk=plain.pk).asked_count == 2
    assert merged.status == Question.MERGED and rejected.status == Question.REJECTED
    # A deleted question is no longer suggested, and cannot be moderated.
    assert pending.pk not in {q.pk for q, _ in selectors.similar_questions(question=plain)}
    assert selectors.similar_questions(question=pending) == []
    for moderate in (
        lambda: services.question_approve(question=rejected, user=editor, publication_text="Anything?"),
        lambda: services.question_edit(
            question=pending, user=editor, publication_text="Anything?", theme=None
        ),
        lambda: services.question_reject(question=pending, user=editor, reason="Late"),
        lambda: services.question_merge(question=pending, into=plain, user=editor),
    ):
        with pytest.raises(ValidationError, match="can no longer be moderated"):
            moderate()
    # Audited per session and run, by the system, with counts only; a further run changes nothing.
    audit = AuditEvent.objects.filter(action="qanda.session.originals_removed")
    assert sorted(
        (row.object_id, row.detail["replaced_by_published"], row.detail["deleted"]) for row in audit
    ) == sorted([(str(published.pk), 3, 0), (str(published.pk), 0, 3), (str(unpublished.pk), 1, 1)])
    assert set(audit.values_list("actor_name", flat=True)) == {"system"}
    with time_machine.travel(end + datetime.timedelta(days=1), tick=False):
        call_command("qanda_purge")
    assert audit.count() == 3


# --- Asking ---------------------------------------------------------------------------------------


def test_a_question_keeps_only_what_was_typed(make_session):
    session = make_session()
    question = ask(session, "  What is cuckooing?\u202e  ", display_name=" Sam ")
    assert question.text == "What is cuckooing?"
    assert question.display_name == "Sam"
    assert question.status == Question.PENDING
    assert question.reply_to == ""
    # No field for an address, a browser or a device exists to fill.
    names = {field.name for field in Question._meta.get_fields()}
    assert not names & {"ip", "ip_address", "user_agent", "email"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter your question"),
        ("   \u200b  ", "Enter your question"),
        ("x" * 501, "500 characters or fewer"),
        ("https://a.example https://b.example", "not only links"),
        (
            "Look: https://a.example https://b.example https://c.example what do you think of these?",
            "no more than 2 links",
        ),
        ("<script>alert(1)</script> is this safe", "must not include code"),
        ('Nice <img src=x onerror="alert(1)"> page', "must not include code"),
        ("javascript:alert(1) please answer this question", "must not include code"),
        ("<details open ontoggle=alert(1)>What is county lines?", "must not include code"),
        ("What is county lines? </p><p>Tell me more", "must not include code"),
        ("Is this safe? <svg\nonload=alert(1)>", "must not include code"),
        ("Is this about me ontoggle=alert(1) or not", "must not include code"),
        ("?!?! 123", "must include some words"),
    ],
)
def test_bad_questions_get_clear_messages(make_session, text, message):
    session = make_session()
    with pytest.raises(ValidationError) as error:
        services.question_submit(session=session, text=text)
    assert message in " ".join(error.value.message_dict["text"])
    assert not Question.objects.exists()


def test_a_closed_session_refuses_politely(make_session):
    session = make_session(state=QandASession.ANSWERED)
    with pytest.raises(ValidationError) as error:
        services.question_submit(session=session, text="Is it too late to ask?")
    assert error.value.code == "closed"
    assert "no longer taking questions" in error.value.messages[0]


def test_a_live_session_still_takes_questions(make_session):
    session = make_session(state=QandASession.LIVE)
    assert ask(session, "Can I still ask now?").session == session


def test_the_same_submission_twice_counts_once(make_session):
    session = make_session()
    first, created = services.question_submit(
        session=session, text="What is a deal line?", submission_token="t" * 32
    )
    again, created_again = services.question_submit(
        session=session, text="What is a deal line?", submission_token="t" * 32
    )
    assert created and not created_again and first.pk == again.pk
    assert Question.objects.count() == 1
    # Back and send again from a fresh form a moment later: still the same question.
    _same, created_from_new_form = services.question_submit(
        session=session, text="What is a deal line?", submission_token="u" * 32
    )
    assert not created_from_new_form
    # Under another name, or after the window, it is someone else asking.
    ask(session, "What is a deal line?", display_name="Ali")
    Question.objects.update(
        received_at=timezone.now() - services.REPEAT_WINDOW - datetime.timedelta(seconds=1)
    )
    ask(session, "What is a deal line?")
    assert Question.objects.count() == 3


# --- Moderation -----------------------------------------------------------------------------------


def test_moderation_approve_edit_reject_with_audit(make_session, editor):
    session = make_session()
    theme = QuestionTheme.objects.create(name="Reporting")
    question = ask(session, "My neighbour Mrs Smith at number 4 is being cuckooed, what can I do?")
    services.question_edit(
        question=question,
        user=editor,
        publication_text="My neighbour is being cuckooed, what can I do?",
        theme=theme,
    )
    question = services.question_approve(question=question, user=editor)
    assert question.status == Question.APPROVED
    assert question.shown_text == "My neighbour is being cuckooed, what can I do?"
    assert question.text.startswith("My neighbour Mrs Smith")  # the original is kept for staff
    assert question.theme == theme and question.moderated_by == editor

    other = ask(session, "Buy followers cheap today at our amazing shop")
    with pytest.raises(ValidationError):
        services.question_reject(question=other, user=editor, reason="  ")
    other = services.question_reject(question=other, user=editor, reason="Advertising")
    assert other.status == Question.REJECTED and other.rejection_reason == "Advertising"
    actions = set(AuditEvent.objects.filter(object_type="question").values_list("action", flat=True))
    assert actions == {"qanda.question.edit", "qanda.question.approve", "qanda.question.reject"}


def test_publication_text_is_checked_too(make_session, editor):
    question = ask(make_session(), "What happens when I report?")
    with pytest.raises(ValidationError) as error:
        services.question_approve(
            question=question, user=editor, publication_text="<script>x</script> hi there"
        )
    assert "publication_text" in error.value.message_dict


def test_moderators_edit_or_hide_the_name_shown_and_only_that_name_is_published(make_session, editor):
    session = make_session(state=QandASession.LIVE, by=editor)
    edited = ask(session, "Is it safe to walk home past the park?", display_name="Kayden Smith Yr9 Riverside")
    hidden = ask(session, "Who do I tell about older boys offering lifts?", display_name="Mia Jones 10B")
    kept = ask(session, "What is a county line?", display_name="Sam")
    assert edited.publication_name == "Kayden Smith Yr9 Riverside"  # the moderator starts from it

    services.question_approve(question=edited, user=editor, publication_name=" Kayden ")
    services.question_approve(question=hidden, user=editor)
    services.question_edit(
        question=hidden, user=editor, publication_text=None, theme=None, publication_name=""
    )
    services.question_approve(question=kept, user=editor)
    for question in (edited, hidden, kept):
        services.question_answer(question=question, user=editor, answer="Yes: call 101, or 999 in danger.")

    shown = {item["question"]: item["asked_by"] for item in selectors.live_answers(session=session)}
    assert shown == {
        "Is it safe to walk home past the park?": "Kayden",
        "Who do I tell about older boys offering lifts?": "",
        "What is a county line?": "Sam",
    }
    services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    sheet = services.answers_prepare(session=session, user=editor).get_latest_revision_as_object()
    assert sorted(item.asked_by for item in sheet.items.all()) == ["", "Kayden", "Sam"]
    # The name as given stays for staff, like the original text.
    edited.refresh_from_db()
    assert edited.display_name == "Kayden Smith Yr9 Riverside"

    # Audited like the text edits: what was decided, never the name itself.
    events = AuditEvent.objects.filter(object_type="question", object_id=str(edited.pk))
    assert events.get(action="qanda.question.approve").detail["name_edited"] is True
    hiding = AuditEvent.objects.get(object_id=str(hidden.pk), action="qanda.question.edit").detail
    assert (hiding["name_shown"], hiding["name_edited"]) == (False, False)
    assert "Kayden" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_the_name_shown_is_checked_too(make_session, editor):
    question = ask(make_session(), "What happens when I report?")
    for name in ("x" * 41, "see https://example.org", "me@example.org"):
        with pytest.raises(ValidationError) as error:
            services.question_approve(question=question, user=editor, publication_name=name)
        assert "publication_name" in error.value.message_dict


def test_moderation_needs_the_permission(make_session, make_staff):
    question = ask(make_session(), "Who do I call about needles in the park?")
    analyst = make_staff(roles.INTELLIGENCE_ANALYST)
    for call in (
        lambda: services.question_approve(question=question, user=analyst),
        lambda: services.question_reject(question=question, user=analyst, reason="no"),
        lambda: services.question_edit(question=question, user=analyst, publication_text="x", theme=None),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_merge_duplicates(make_session, editor):
    session = make_session()
    keep = ask(session, "How do I report drug dealing anonymously?")
    dupe = ask(session, "Can I report dealers without giving my name?")
    dupe_of_dupe = ask(session, "Can I report dealing without my name?")
    services.question_merge(question=dupe_of_dupe, into=dupe, user=editor)
    services.question_merge(question=dupe, into=keep, user=editor)
    keep.refresh_from_db()
    dupe.refresh_from_db()
    dupe_of_dupe.refresh_from_db()
    assert keep.asked_count == 3
    assert dupe.status == Question.MERGED and dupe.merged_into == keep
    assert dupe_of_dupe.merged_into == keep  # re-pointed, so nothing hangs off a merged question
    assert dupe.text == "Can I report dealers without giving my name?"  # original kept

    other_session = ask(make_session(), "How do I report drug dealing anonymously?")
    with pytest.raises(ValidationError):
        services.question_merge(question=other_session, into=keep, user=editor)
    with pytest.raises(ValidationError):
        services.question_merge(question=keep, into=keep, user=editor)
    with pytest.raises(ValidationError):
        services.question_merge(question=keep, into=dupe, user=editor)


# --- Live -----------------------------------------------------------------------------------------


def test_host_orders_and_answers_live(make_session, editor):
    session = make_session(state=QandASession.LIVE, by=editor)
    first, second, third = (
        services.question_approve(question=ask(session, text), user=editor)
        for text in ("What is county lines?", "What is cuckooing?", "Who runs the Beat Bus?")
    )
    assert list(selectors.live_queue(session=session)) == [first, second, third]
    services.question_move(question=third, user=editor, direction="up")
    services.question_move(question=first, user=editor, direction="up")  # already first: stays
    assert list(selectors.live_queue(session=session)) == [first, third, second]

    with pytest.raises(ValidationError):
        services.question_answer(question=second, user=editor, answer="   ")
    services.question_answer(question=third, user=editor, answer="The neighbourhood teams, all week.")
    assert list(selectors.live_queue(session=session)) == [first, second]
    live = selectors.live_answers(session=session)
    assert [item["question"] for item in live] == ["Who runs the Beat Bus?"]
    assert live[0]["answer"] == "The neighbourhood teams, all week."


def test_answers_wait_for_the_session_to_be_live(make_session, editor):
    session = make_session(by=editor)
    question = services.question_approve(question=ask(session, "Is this answered yet?"), user=editor)
    with pytest.raises(ValidationError):
        services.question_answer(question=question, user=editor, answer="Not yet")
    pending = ask(session, "And this one?")
    services.session_transition(session=session, user=editor, state=QandASession.LIVE)
    with pytest.raises(ValidationError):
        services.question_answer(question=pending, user=editor, answer="Not approved")


# --- Published answers and their approval ---------------------------------------------------------


def _answered_session(editor):
    from beacon.qanda.models import QandASession as Session

    now = timezone.now()
    session = services.session_save(
        user=editor,
        data={
            "title": "County lines questions",
            "slug": "county-lines-answers",
            "platform": "website",
            "starts_at": now,
            "ends_at": now + datetime.timedelta(hours=1),
        },
    )
    services.session_transition(session=session, user=editor, state=Session.LIVE)
    theme = QuestionTheme.objects.create(name="Exploitation", sort_order=1)
    q = services.question_approve(
        question=ask(session, "Mr Jones on my road grooms kids, what are the signs?"), user=editor
    )
    services.question_edit(
        question=q, user=editor, publication_text="What are the signs a child is being groomed?", theme=theme
    )
    services.question_answer(question=q, user=editor, answer="Unexplained money, new phones, going missing.")
    services.session_transition(session=session, user=editor, state=Session.ANSWERED)
    return Session.objects.get(pk=session.pk)


def test_published_answers_go_through_the_content_approval_workflow(editor, approver):
    session = _answered_session(editor)
    workflow = services.answers_workflow_ensure()
    assert workflow is not None and workflow.name == "Campaign approval"

    sheet = services.answers_prepare(session=session, user=editor)
    assert not sheet.live
    assert selectors.published_answers(session=session) is None  # nothing public yet

    services.answers_submit(sheet=sheet, user=editor)
    sheet.refresh_from_db()
    assert sheet.workflow_in_progress
    task_state = sheet.current_workflow_task_state
    # The editor who submitted is not in the approving group: only a campaign approver can approve.
    assert task_state.task.specific.get_actions(sheet, editor) == []
    assert "approve" in [name for name, *_ in task_state.task.specific.get_actions(sheet, approver)]
    task_state.task.specific.on_action(task_state, approver, "approve")

    sheet.refresh_from_db()
    assert sheet.live
    published = selectors.published_answers(session=session)
    assert [(theme, [item.question for item in items]) for theme, items in published] == [
        ("Exploitation", ["What are the signs a child is being groomed?"])
    ]
    assert "Mr Jones" not in str([item.question for _t, items in published for item in items])


def test_preparing_again_does_not_change_the_public_page_until_approved(editor, approver):
    session = _answered_session(editor)
    sheet = services.answers_prepare(session=session, user=editor)
    sheet.get_latest_revision().publish(user=approver)
    question = Question.objects.get(session=session)
    services.question_answer(question=question, user=editor, answer="A better, approved answer.")
    services.answers_prepare(session=session, user=editor)
    published = selectors.published_answers(session=session)
    assert published[0][1][0].answer == "Unexplained money, new phones, going missing."
    AnswerSheet.objects.get(session=session).get_latest_revision().publish(user=approver)
    assert selectors.published_answers(session=session)[0][1][0].answer == "A better, approved answer."


def test_answers_are_prepared_only_after_the_session(make_session, editor):
    session = make_session(state=QandASession.LIVE, by=editor)
    with pytest.raises(ValidationError):
        services.answers_prepare(session=session, user=editor)
    services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    with pytest.raises(ValidationError, match="No questions have been answered"):
        services.answers_prepare(session=session, user=editor)


# --- Contracts with other apps --------------------------------------------------------------------


def test_question_counts_for_the_dashboard(make_session, editor):
    session = make_session(state=QandASession.LIVE, by=editor)
    today = timezone.localdate()
    old = ask(session, "Asked long ago about the park?")
    Question.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(days=40))
    answered = services.question_approve(question=ask(session, "What is a county line?"), user=editor)
    services.question_answer(question=answered, user=editor, answer="A phone line used to sell drugs.")
    ask(session, "Another one still waiting?")
    assert selectors.question_counts(start=today - datetime.timedelta(days=7), end=today) == {
        "asked": 2,
        "answered": 1,
    }
    assert selectors.question_counts(start=today - datetime.timedelta(days=60), end=today) == {
        "asked": 3,
        "answered": 1,
    }
    assert selectors.question_counts(
        start=today + datetime.timedelta(days=1), end=today + datetime.timedelta(days=2)
    ) == {
        "asked": 0,
        "answered": 0,
    }


def test_sessions_for_week(make_session):
    from wagtail.models import Page

    from beacon.content.models import CampaignWeekPage

    root = Page.get_first_root_node()
    week = CampaignWeekPage(
        title="Week 1",
        slug="week-1-test",
        week_number=1,
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=6),
        summary="A week",
    )
    root.add_child(instance=week)
    later = make_session(campaign_week=week, starts_in_days=5)
    sooner = make_session(campaign_week=week, starts_in_days=1)
    make_session()
    assert selectors.sessions_for_week(week=week) == [sooner, later]


def test_published_answers_are_grouped_by_theme_in_theme_order(make_session, editor):
    session = make_session(state=QandASession.LIVE, by=editor)
    later = QuestionTheme.objects.create(name="Support", sort_order=2)
    first = QuestionTheme.objects.create(name="Reporting", sort_order=1)
    for text, theme in (
        ("Who supports families?", later),
        ("Something with no theme?", None),
        ("Can I report anonymously?", first),
        ("Where do I get help?", later),
    ):
        question = services.question_approve(question=ask(session, text), user=editor, theme=theme)
        services.question_answer(question=question, user=editor, answer="An answer.")
    services.session_transition(session=session, user=editor, state=QandASession.ANSWERED)
    sheet = services.answers_prepare(session=session, user=editor)
    sheet.get_latest_revision().publish(user=editor, skip_permission_checks=True)
    grouped = [
        (theme, [item.question for item in items])
        for theme, items in selectors.published_answers(session=session)
    ]
    assert grouped == [
        ("Reporting", ["Can I report anonymously?"]),
        ("Support", ["Who supports families?", "Where do I get help?"]),
        (selectors.NO_THEME, ["Something with no theme?"]),
    ]
