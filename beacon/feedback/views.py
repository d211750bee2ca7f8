from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import FeedbackForm
from .services import feedback_submit


@require_http_methods(["GET", "POST"])
def feedback(request):
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feedback_submit(rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
        return redirect("feedback:thanks")
    return render(request, "feedback/form.html", {"form": form})


def thanks(request):
    return render(request, "feedback/thanks.html")
