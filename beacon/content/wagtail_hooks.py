from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from beacon.core.choosers import SnippetChooserViewSet

from .models import CampaignPage, CampaignWeekPage, Officer, SupportService, Theme, week_placement_problem


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


class OfficerViewSet(SnippetViewSet):
    model = Officer
    icon = "user"
    menu_label = "Officers"
    list_display = ["name", "rank", "role"]
    search_fields = ["name", "role"]
    search_backend_name = None
    chooser_viewset_class = SnippetChooserViewSet


class SupportServiceViewSet(SnippetViewSet):
    model = SupportService
    icon = "help"
    menu_label = "Support services"
    list_display = ["name", "phone", "sort_order"]
    search_fields = ["name", "description"]
    search_backend_name = None
    chooser_viewset_class = SnippetChooserViewSet


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
