"""Staff screens for the Q&A, inside the Wagtail admin (one sign-in, two-factor enforced for /admin/).

- questions: the moderation queue of a session, by status
- review: one question: edit for publication, tag a theme, approve, reject with a reason, merge into a
  suggested duplicate
- live: the host's view: approved questions in running order (move up / down), answer in one click; with
  JavaScript it says when new questions have been approved since it loaded (waiting: their ids, as JSON)
- state / prepare answers: the session's state changes, and the draft of its published answers
Every change goes through beacon.qanda.services; these views only check permission and render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import selectors, services
from .forms import AnswerForm, MergeForm, ModerateForm, RejectForm
from .models import ANSWERS_MAX, QandASession, Question

SESSIONS_INDEX = "qanda_sessions:index"
HOST_REFRESH_SECONDS = 15  # how often the host's live view asks whether new questions are waiting


def _errors(error: ValidationError) -> list[str]:
    return [
        message
        for messages_ in getattr(error, "message_dict", {"": error.messages}).values()
        for message in messages_
    ]


def _apply_errors(form, error: ValidationError) -> None:
    for field, field_messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


class QandAAdminView(WagtailAdminTemplateMixin, View):
    permission = services.MODERATE
    header_icon = "help"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def session_breadcrumbs(self, session, label):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Home"},
            {"url": reverse(SESSIONS_INDEX), "label": "Q&A sessions"},
            {"url": reverse("qanda_admin:questions", args=[session.pk]), "label": session.title},
            {"url": "", "label": label},
        ]

    def session_context(self, session) -> dict:
        allowed = services.SESSION_TRANSITIONS.get(session.state, set())
        labels = {
            QandASession.LIVE: "Go live",
            QandASession.ANSWERED: "End the session (answered)",
            QandASession.CLOSED: "Close the session",
        }
        return {
            "session": session,
            "counts": selectors.status_counts(session=session),
            "transitions": [
                (state, labels[state])
                for state in (QandASession.LIVE, QandASession.ANSWERED, QandASession.CLOSED)
                if state in allowed
            ],
            "can_run": self.request.user.has_perm(services.RUN),
            "sheet": selectors.answer_sheet(session=session),
        }


class SessionQuestionsView(QandAAdminView):
    template_name = "qanda/admin/questions.html"

    def get(self, request, pk):
        session = get_object_or_404(QandASession.objects.select_related("host"), pk=pk)
        status = request.GET.get("status", Question.PENDING)
        if status not in dict(Question.STATUSES):
            status = Question.PENDING
        self.page_title = f"Questions: {session.title}"
        self.breadcrumbs_items = self.session_breadcrumbs(session, "Questions")
        context = self.get_context_data(
            **self.session_context(session),
            status=status,
            statuses=Question.STATUSES,
            questions=selectors.moderation_queue(session=session, status=status),
        )
        return self.render_to_response(context)


class QuestionReviewView(QandAAdminView):
    template_name = "qanda/admin/review.html"

    def get_question(self, pk):
        return get_object_or_404(Question.objects.select_related("session", "theme", "merged_into"), pk=pk)

    def render_page(self, question, *, moderate=None, reject=None, merge=None, status=200):
        suggestions = selectors.similar_questions(question=question)
        self.page_title = "Review a question"
        self.breadcrumbs_items = self.session_breadcrumbs(question.session, "Review a question")
        context = self.get_context_data(
            **self.session_context(question.session),
            question=question,
            moderate_form=moderate
            or ModerateForm(
                initial={
                    "publication_text": question.publication_text or question.text[:600],
                    "publication_name": question.publication_name,
                    "theme": question.theme,
                }
            ),
            reject_form=reject or RejectForm(),
            merge_form=merge or MergeForm(choices=[(q.pk, q.shown_text) for q, _ in suggestions]),
            suggestions=suggestions,
        )
        return self.render_to_response(context, status=status)

    def get(self, request, pk):
        return self.render_page(self.get_question(pk))

    def post(self, request, pk):
        question = self.get_question(pk)
        if question.original_deleted:  # the page offers nothing to do: say why, not a form's error
            messages.error(request, f"{services.ORIGINAL_DELETED_MESSAGE}.")
            return self.render_page(question, status=400)
        action = request.POST.get("action", "")
        user = request.user
        moderate = reject = merge = None
        try:
            if action in ("approve", "save"):
                moderate = ModerateForm(request.POST)
                if moderate.is_valid():
                    shown = {
                        "publication_text": moderate.cleaned_data["publication_text"],
                        "publication_name": moderate.cleaned_data["publication_name"],
                        "theme": moderate.cleaned_data["theme"],
                    }
                    if action == "approve":
                        services.question_approve(question=question, user=user, **shown)
                        messages.success(request, "Question approved: it is now in the host's live view.")
                    else:
                        services.question_edit(question=question, user=user, **shown)
                        messages.success(request, "Changes saved.")
                    return redirect(self.next_url(question))
            elif action == "reject":
                reject = RejectForm(request.POST)
                if reject.is_valid():
                    services.question_reject(
                        question=question, user=user, reason=reject.cleaned_data["reason"]
                    )
                    messages.success(request, "Question rejected.")
                    return redirect(self.next_url(question))
            elif action == "merge":
                suggestions = selectors.similar_questions(question=question, limit=10)
                candidates = {q.pk: q for q, _ in suggestions}
                merge = MergeForm(
                    request.POST, choices=[(pk_, q.shown_text) for pk_, q in candidates.items()]
                )
                if merge.is_valid():
                    services.question_merge(
                        question=question, into=candidates[merge.cleaned_data["into"]], user=user
                    )
                    messages.success(request, "Question merged.")
                    return redirect(self.next_url(question))
            else:
                messages.error(request, "Choose what to do with the question.")
        except ValidationError as error:
            form = moderate or reject or merge
            if form is not None:
                _apply_errors(form, error)
            else:
                for message in _errors(error):
                    messages.error(request, message)
        return self.render_page(question, moderate=moderate, reject=reject, merge=merge, status=400)

    def next_url(self, question):
        following = selectors.moderation_queue(session=question.session).exclude(pk=question.pk).first()
        if following is not None:
            return reverse("qanda_admin:review", args=[following.pk])
        return reverse("qanda_admin:questions", args=[question.session_id])


class SessionLiveView(QandAAdminView):
    permission = services.RUN
    template_name = "qanda/admin/live.html"

    def get_session(self, pk):
        return get_object_or_404(QandASession.objects.select_related("host"), pk=pk)

    def render_page(self, session, *, failed=None, status=200):
        self.page_title = f"Live view: {session.title}"
        self.breadcrumbs_items = self.session_breadcrumbs(session, "Live view")
        queue = []
        for question in selectors.live_queue(session=session):
            form = failed[1] if failed and failed[0] == question.pk else AnswerForm(prefix=f"q{question.pk}")
            queue.append((question, form))
        context = self.get_context_data(
            **self.session_context(session),
            queue=queue,
            answered=selectors.answered_questions(session=session),
            known_ids=",".join(str(question.pk) for question, _ in queue),
            refresh_seconds=HOST_REFRESH_SECONDS,
        )
        return self.render_to_response(context, status=status)

    def get(self, request, pk):
        return self.render_page(self.get_session(pk))

    def post(self, request, pk):
        session = self.get_session(pk)
        question = get_object_or_404(Question, pk=request.POST.get("question") or 0, session=session)
        action = request.POST.get("action", "")
        try:
            if action in ("up", "down"):
                services.question_move(question=question, user=request.user, direction=action)
                return redirect(reverse("qanda_admin:live", args=[session.pk]) + f"#question-{question.pk}")
            if action == "answer":
                form = AnswerForm(request.POST, prefix=f"q{question.pk}")
                if form.is_valid():
                    services.question_answer(
                        question=question, user=request.user, answer=form.cleaned_data["answer"]
                    )
                    messages.success(request, "Marked as answered.")
                    return redirect("qanda_admin:live", session.pk)
                return self.render_page(session, failed=(question.pk, form), status=400)
            messages.error(request, "Choose what to do with the question.")
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        return redirect("qanda_admin:live", session.pk)


class SessionWaitingView(QandAAdminView):
    """The ids of the approved questions waiting in the running order, for the live view's notice."""

    permission = services.RUN

    def get(self, request, pk):
        session = get_object_or_404(QandASession, pk=pk)
        waiting = list(selectors.live_queue(session=session).values_list("pk", flat=True))
        return JsonResponse({"waiting": waiting, "live": session.state == QandASession.LIVE})


class SessionStateView(QandAAdminView):
    permission = services.RUN

    def post(self, request, pk):
        session = get_object_or_404(QandASession, pk=pk)
        try:
            session = services.session_transition(
                session=session, user=request.user, state=request.POST.get("state", "")
            )
            messages.success(request, f"The session is now: {session.get_state_display().lower()}.")
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        back = request.POST.get("next", "")
        if back not in ("live", "questions"):
            back = "questions"
        return redirect(f"qanda_admin:{back}", session.pk)


class PrepareAnswersView(QandAAdminView):
    permission = "qanda.change_answersheet"

    def post(self, request, pk):
        session = get_object_or_404(QandASession, pk=pk)
        try:
            sheet = services.answers_prepare(session=session, user=request.user)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
            return redirect("qanda_admin:questions", session.pk)
        messages.success(
            request,
            "A draft of the published answers is ready. Check it, then submit it for approval: "
            "it goes on the public page once a campaign approver approves it.",
        )
        answered = selectors.answered_questions(session=session).count()
        if answered > ANSWERS_MAX:
            messages.warning(
                request,
                f"The draft has the first {ANSWERS_MAX} of the {answered} answered questions: one session can "
                f"publish up to {ANSWERS_MAX}. Change or remove items to publish different ones.",
            )
        return redirect("wagtailsnippets_qanda_answersheet:edit", sheet.pk)
