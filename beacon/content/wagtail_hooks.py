from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Officer, SupportService, Theme


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = "Campaign themes"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class OfficerViewSet(SnippetViewSet):
    model = Officer
    icon = "user"
    menu_label = "Officers"
    list_display = ["name", "rank", "role"]
    search_fields = ["name", "role"]


class SupportServiceViewSet(SnippetViewSet):
    model = SupportService
    icon = "help"
    menu_label = "Support services"
    list_display = ["name", "phone", "sort_order"]
    search_fields = ["name", "description"]


register_snippet(ThemeViewSet)
register_snippet(SupportServiceViewSet)
register_snippet(OfficerViewSet)
