from django.urls import path

from . import views
from .views import SMALL_BODY, body_limit

app_name = "reporting"

STEP_VIEWS = {
    "danger": views.DangerView,
    "call-999": views.Call999View,
    "about": views.AboutView,
    "where": views.WhereView,
    "when": views.WhenView,
    "when-once": views.WhenOnceView,
    "when-ongoing": views.WhenOngoingView,
    "people": views.PeopleView,
    "person": views.PersonView,
    "people-list": views.PeopleListView,
    "vehicles": views.VehiclesView,
    "vehicle": views.VehicleView,
    "vehicles-list": views.VehiclesListView,
    "numbers": views.NumbersView,
    "number": views.NumberView,
    "numbers-list": views.NumbersListView,
    "child-involved": views.ChildInvolvedView,
    "child": views.ChildView,
    "child-999": views.Child999View,
    "how": views.HowView,
    "details": views.DetailsView,
    "files": views.FilesView,
    "contact": views.ContactView,
    "contact-details": views.ContactDetailsView,
    "check": views.CheckView,
}


def _limit(slug: str):
    return views._upload_body_limit if slug == "files" else SMALL_BODY


urlpatterns = [
    path("", views.start, name="start"),
    *(
        path(f"{slug}/", body_limit(_limit(slug), upload=slug == "files")(view.as_view()), name=slug)
        for slug, view in STEP_VIEWS.items()
    ),
    path("done/", views.done, name="done"),
    path("delete-answers/", views.delete_answers, name="delete_answers"),
    path("session/", views.journey_session, name="session"),
    path("session/keep/", views.journey_keep, name="session_keep"),
    path("expired/", views.expired_page, name="expired"),
    path("follow-up/", views.followup, name="followup"),
    path("follow-up/reply/", views.followup_reply, name="followup_reply"),
]
