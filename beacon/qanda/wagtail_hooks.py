from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import RevisionsCompareView, SnippetViewSet

from beacon.core.choosers import SnippetChooserViewSet, is_id

from . import admin_views, services
from .forms import SessionForm
from .models import AnswerSheet, QandASession, QuestionTheme, ReceivedEmail


class NoAddingPolicy(ModelPermissionPolicy):
    """Model permissions, except that nobody (superusers included) adds one in the admin: Beacon makes these
    rows itself (an email log entry as it reads the mailbox, the answers from "Prepare answers"), and the
    admin's form cannot make a valid one: saving it was a 500 (a required column it has no field for)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action != "add"])


for _model in (AnswerSheet, ReceivedEmail):
    register_permission_policy(_model, NoAddingPolicy(_model), exact_class=True)


class SessionIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if user.has_perm(services.MODERATE):
            buttons.insert(
                0,
                Button(
                    "Questions",
                    url=reverse("qanda_admin:questions", args=[instance.pk]),
                    icon_name="help",
                    priority=1,
                ),
            )
        if user.has_perm(services.RUN):
            buttons.insert(
                1,
                Button(
                    "Live view",
                    url=reverse("qanda_admin:live", args=[instance.pk]),
                    icon_name="view",
                    priority=2,
                ),
            )
        return buttons


class SessionSaveMixin:
    """A session the service refuses (a host not published) shows its reasons on the form, not a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for name, messages in errors.items():
                form.add_error(name if name in form.fields else None, messages)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class SessionCreateView(SessionSaveMixin, CreateView):
    def save_instance(self):
        data = {
            name: self.form.cleaned_data[name]
            for name in services.SESSION_FIELDS
            if name in self.form.cleaned_data
        }
        return services.session_save(user=self.request.user, data=data)


class SessionEditView(SessionSaveMixin, EditView):
    def save_instance(self):
        data = {
            name: self.form.cleaned_data[name]
            for name in self.form.changed_data
            if name in services.SESSION_FIELDS
        }
        return services.session_save(user=self.request.user, session=self.form.instance, data=data)


class SessionViewSet(ModelViewSet):
    model = QandASession
    icon = "help"
    menu_label = "Sessions"
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    list_display = [
        "title",
        "starts_at",
        Column("state", label="State", accessor="get_state_display"),
        "platform",
    ]
    list_filter = ["state", "platform"]
    search_fields = ["title", "summary"]
    ordering = ["-starts_at"]
    form_fields = list(services.SESSION_FIELDS)
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return SessionForm  # offers published officers only as hosts


class QuestionThemeViewSet(ModelViewSet):
    model = QuestionTheme
    icon = "tag"
    menu_label = "Themes"
    list_display = ["name", "sort_order"]
    form_fields = ["name", "slug", "sort_order"]
    copy_view_enabled = False


class ReceivedEmailViewSet(ModelViewSet):
    """What became of each email read from the Q&A mailbox (nothing of its content is kept here)."""

    model = ReceivedEmail
    icon = "mail"
    menu_label = "Email received"
    list_display = [
        "read_at",
        Column("outcome", label="Outcome", accessor="get_outcome_display"),
        "note",
        "attachments_dropped",
        "attempts",
    ]
    list_filter = ["outcome"]
    inspect_view_enabled = True
    form_fields = ["note"]
    copy_view_enabled = False


class QandAViewSetGroup(ModelViewSetGroup):
    menu_label = "Live Q&A"
    menu_icon = "help"
    menu_order = 300
    items = (
        SessionViewSet("qanda_sessions"),
        QuestionThemeViewSet("qanda_themes"),
        ReceivedEmailViewSet("qanda_emails"),
    )


class AnswersCompareView(RevisionsCompareView):
    """Comparing revisions of answers whose id (from the URL) cannot be one is "not found": Wagtail looked it
    up as it came, and the ValueError was a 500."""

    def get_object(self, queryset=None):
        if not is_id(self.model, unquote(str(self.pk))):
            raise Http404("No such answers")
        return super().get_object(queryset)


class AnswerSheetViewSet(SnippetViewSet):
    """Published answers: a draft prepared from the live session, approved through the content workflow."""

    model = AnswerSheet
    icon = "doc-full"
    menu_label = "Q&A answers"
    add_to_admin_menu = True
    menu_order = 301
    list_display = ["__str__", "live"]
    copy_view_enabled = False
    chooser_viewset_class = SnippetChooserViewSet
    revisions_compare_view_class = AnswersCompareView


register_snippet(AnswerSheetViewSet)


@hooks.register("register_admin_viewset")
def register_qanda_viewsets():
    return QandAViewSetGroup()


@hooks.register("register_admin_urls")
def register_qanda_admin_urls():
    urls = [
        path("sessions/<int:pk>/questions/", admin_views.SessionQuestionsView.as_view(), name="questions"),
        path("sessions/<int:pk>/live/", admin_views.SessionLiveView.as_view(), name="live"),
        path("sessions/<int:pk>/waiting.json", admin_views.SessionWaitingView.as_view(), name="waiting"),
        path("sessions/<int:pk>/state/", admin_views.SessionStateView.as_view(), name="state"),
        path(
            "sessions/<int:pk>/prepare-answers/",
            admin_views.PrepareAnswersView.as_view(),
            name="prepare_answers",
        ),
        path("questions/<int:pk>/", admin_views.QuestionReviewView.as_view(), name="review"),
    ]
    return [path("qanda/", include((urls, "qanda_admin"), namespace="qanda_admin"))]
