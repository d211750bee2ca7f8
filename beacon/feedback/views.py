from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from beacon.core import throttle
from beacon.core.limits import SMALL_BODY, body_limit

from .forms import FeedbackForm
from .services import feedback_submit


@body_limit(SMALL_BODY)
@require_http_methods(["GET", "POST"])
def feedback(request):
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verdict = throttle.check_and_hit(request, "feedback")
        if not verdict.allowed:
            form.add_error(
                "comment",
                f"You have sent feedback several times in a short time. Wait {verdict.wait}, then send it again",
            )
            return throttle.refused(render(request, "feedback/form.html", {"form": form}), verdict)
        feedback_submit(rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
        return redirect("feedback:thanks")
    return render(request, "feedback/form.html", {"form": form})


def thanks(request):
    return render(request, "feedback/thanks.html")
