from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.utils import get_latest_str
from wagtail.admin.views.generic.workflow import WorkflowAction
from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import RevisionsCompareView, SnippetViewSet
from wagtail.snippets.views.snippets import WorkflowActionView as SnippetWorkflowActionView

from beacon.core.choosers import SnippetChooserViewSet, is_id

from .models import CampaignPage, CampaignWeekPage, Officer, SupportService, Theme, week_placement_problem
from .services import SCHEDULED_CHANGE_REFUSED, page_publish_problems


class ApproveOrSayWhyNot(SnippetWorkflowActionView):
    """Approving a theme, officer or support service: a change that publishing refuses (a name another one has
    taken while it waited) tells the approver why, and stays waiting, as it does for pages (below)."""

    def post(self, request, *args, **kwargs):
        return _approve_or_say_why_not(self, request, *args, **kwargs)


class CompareView(RevisionsCompareView):
    """Comparing revisions of a snippet whose id (from the URL, which takes any text there) cannot be one is "not
    found": Wagtail looked it up as it came, and the ValueError was a 500."""

    def get_object(self, queryset=None):
        if not is_id(self.model, unquote(str(self.pk))):
            raise Http404("No such item")
        return super().get_object(queryset)


# The snippet listings search `search_fields` with the ORM (search_backend_name = None). Through the search
# index, Wagtail's default for an indexed model, a search limited to some fields was a 500 on SQLite: its
# full-text index has one column for all of a row's text, and the backend asked it for a column named "name".
class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = "Campaign themes"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    search_backend_name = None
    chooser_viewset_class = SnippetChooserViewSet
    workflow_action_view_class = ApproveOrSayWhyNot
    revisions_compare_view_class = CompareView


class OfficerViewSet(SnippetViewSet):
    model = Officer
    icon = "user"
    menu_label = "Officers"
    list_display = ["name", "rank", "role"]
    search_fields = ["name", "role"]
    search_backend_name = None
    chooser_viewset_class = SnippetChooserViewSet
    workflow_action_view_class = ApproveOrSayWhyNot
    revisions_compare_view_class = CompareView


class SupportServiceViewSet(SnippetViewSet):
    model = SupportService
    icon = "help"
    menu_label = "Support services"
    list_display = ["name", "phone", "sort_order"]
    search_fields = ["name", "description"]
    search_backend_name = None
    chooser_viewset_class = SnippetChooserViewSet
    workflow_action_view_class = ApproveOrSayWhyNot
    revisions_compare_view_class = CompareView


register_snippet(ThemeViewSet)
register_snippet(SupportServiceViewSet)
register_snippet(OfficerViewSet)


# --- Unpublishing ---------------------------------------------------------------------------------
# The pages under an unpublished page are unpublished with it whatever the editor ticks
# (services.page_descendants_unpublish); these hooks only tell the editor so.


@hooks.register("before_unpublish_page")
def count_live_descendants(request, page):
    descendants = page.get_descendants().live().only("id", "content_type")
    request.beacon_live_descendants = [child.specific_class for child in descendants]


@hooks.register("after_unpublish_page")
def say_descendants_were_unpublished(request, page):
    kinds = getattr(request, "beacon_live_descendants", [])
    if not kinds or request.POST.get("include_descendants"):
        return
    count = len(kinds)
    if len(set(kinds)) == 1 and kinds[0] is not None:
        meta = kinds[0]._meta
        noun = meta.verbose_name if count == 1 else meta.verbose_name_plural
    else:
        noun = "page" if count == 1 else "pages"
    what = f"Its {noun} was" if count == 1 else f"Its {count} {noun} were"
    messages.info(request, f"{what} unpublished too: a page cannot be public when the page above it is not.")


# --- Moving ---------------------------------------------------------------------------------------


@hooks.register("before_move_page")
def refuse_a_week_its_new_campaign_cannot_hold(request, page, destination):
    """A week moved to another campaign keeps its number and dates: refuse the move if they clash there."""
    campaign = destination.specific
    if not (isinstance(page, CampaignWeekPage) and isinstance(campaign, CampaignPage)):
        return None
    problem = week_placement_problem(week=page, campaign=campaign, copying=False)
    if problem is None:
        return None
    messages.error(request, problem)
    return redirect("wagtailadmin_pages:move", page.pk)


# --- Publishing a change that no longer passes the rules ------------------------------------------------
# A change can pass when it is made and fail when it is published: a week renumbered while another editor takes
# the number, a campaign shortened while a week is added at its end. The edit form says why; the screens with
# no form (approving in the workflow, bulk publishing, the scheduled run in services) did not, and were a 500.


def _approve_or_say_why_not(self, request, *args, **kwargs):
    """The workflow's Approve (and Reject) as Wagtail does it, but a change that publishing refuses gives the
    approver the reason instead of a 500; the approval is rolled back (Task.on_action is atomic), so the change
    stays in moderation."""
    try:
        return WorkflowAction.post(self, request, *args, **kwargs)
    except ValidationError as error:
        reasons = "; ".join(dict.fromkeys(error.messages))
        messages.error(
            request,
            f"{get_latest_str(self.object)} was not published: {reasons}. It is still waiting for approval: "
            "change it so that it fits, then approve it.",
        )
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return self.render_modal_json(request, {"step": "success", "redirect": self.redirect_url})
        return redirect(self.redirect_url)


# WorkflowActionView (pages) inherits post from WorkflowAction: giving it its own is safe to repeat.
WorkflowActionView.post = _approve_or_say_why_not


@hooks.register("before_bulk_action")
def refuse_a_bulk_publish_that_breaks_the_rules(request, action_type, objects, action):
    """Bulk publishing publishes each page's latest revision (and, if ticked, its draft descendants'), with no
    form to show errors on: check them all first, and publish nothing if any would be refused."""
    if action_type != "publish" or not isinstance(action, PageBulkAction):
        return None
    pages = list(objects)
    if action.cleaned_form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages += [
                descendant
                for descendant in page.get_descendants().not_live().specific()
                if descendant.permissions_for_user(request.user).can_publish()
            ]
    problems = [f"{title}: {reason}" for page in pages for title, reason in page_publish_problems(page=page)]
    if not problems:
        return None
    messages.error(
        request,
        "Nothing was published. "
        + "; ".join(problems)
        + ". Change them so that they fit, or leave them out, "
        "and publish again.",
    )
    return redirect(action.next_url)


@hooks.register("register_log_actions")
def register_scheduled_change_refused(actions):
    @actions.register_action(SCHEDULED_CHANGE_REFUSED)
    class ScheduledChangeRefused(LogFormatter):
        label = "Scheduled change not published"

        def format_message(self, log_entry):
            reasons = "; ".join(log_entry.data.get("reasons") or [])
            return f"Scheduled change not published, and its schedule cleared: {reasons}"
