"""Public Q&A pages: the list, a session, asking a question, and the live answers feed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from beacon.core import throttle
from beacon.core.limits import SMALL_BODY, body_limit

from . import selectors
from .forms import AskForm
from .services import CLOSED_MESSAGE, question_submit, submission_token_new

LIVE_REFRESH_SECONDS = 20


def _session_or_404(slug: str):
    session = selectors.session_get(slug=slug)
    if session is None:
        raise Http404("No such Q&A session")
    return session


@require_GET
def session_list(request):
    return render(request, "qanda/session_list.html", selectors.session_list())


@require_GET
def session_detail(request, slug):
    session = _session_or_404(slug)
    return render(
        request,
        "qanda/session_detail.html",
        {
            "session": session,
            "live_answers": selectors.live_answers(session=session),
            "published": selectors.published_answers(session=session),
            "refresh_seconds": LIVE_REFRESH_SECONDS,
            "reply_days": settings.BEACON_QANDA_REPLY_ADDRESS_DAYS,
        },
    )


@require_GET
def live_answers_json(request, slug):
    """What the refresh script on a live session page fetches."""
    session = _session_or_404(slug)
    answers = selectors.live_answers(session=session)
    response = JsonResponse(
        {
            "state": session.state,
            "live": session.is_live,
            "answers": [
                {
                    "id": item["id"],
                    "question": item["question"],
                    "asked_by": item["asked_by"],
                    "asked_count": item["asked_count"],
                    "answer": item["answer"],
                }
                for item in answers
            ],
        }
    )
    patch_cache_control(response, no_store=True)
    return response


@body_limit(SMALL_BODY)
@require_http_methods(["GET", "POST"])
def ask(request, slug):
    session = _session_or_404(slug)
    if not session.accepting_questions:
        return render(request, "qanda/closed.html", {"session": session})
    verdict = None
    if request.method == "POST":
        form = AskForm(request.POST)
        verdict = throttle.check_and_hit(request, "question")
        if not verdict.allowed:
            form.is_valid()  # the form keeps what was typed, to send again later
            form.add_error(
                None, f"A lot of questions have been sent in a short time. Wait {verdict.wait} and try again."
            )
        elif form.is_valid():
            try:
                question_submit(
                    session=session,
                    text=form.cleaned_data["question"],
                    display_name=form.cleaned_data["display_name"],
                    submission_token=form.cleaned_data["token"],
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "closed":
                    return render(request, "qanda/closed.html", {"session": session})
                for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
                    name = {"text": "question"}.get(field, field)
                    for message in messages:
                        form.add_error(name if name in form.fields else None, message)
            else:
                return redirect("qanda:sent", slug=session.slug)
        # Keep the same token, so correcting a mistake and sending again still counts once.
        token = form.cleaned_data.get("token") or submission_token_new()
        form.data = form.data.copy()
        form.data["token"] = token
    else:
        form = AskForm(initial={"token": submission_token_new()})
    response = render(
        request, "qanda/ask.html", {"session": session, "form": form, "closed_message": CLOSED_MESSAGE}
    )
    return throttle.refused(response, verdict) if verdict and not verdict.allowed else response


@require_GET
def sent(request, slug):
    session = _session_or_404(slug)
    return render(request, "qanda/sent.html", {"session": session})
