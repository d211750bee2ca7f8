"""Template helpers used across Beacon (loaded as a builtin, no {% load %} needed)."""

from django import template
from django.conf import settings

from beacon.core.forms import DateInputWidget, date_boxes_in_error, is_group

register = template.Library()

NAVIGATION = (
    ("Report a concern", "/report/"),
    ("Campaigns and news", "/campaigns/"),
    ("Events", "/events/"),
    ("Q&A", "/qanda/"),
    ("Advice", "/advice/"),
    ("Search", "/search/"),
)


@register.simple_tag
def force_name():
    return settings.BEACON_FORCE_NAME


@register.inclusion_tag("includes/navigation.html", takes_context=True)
def beacon_navigation(context):
    request = context.get("request")
    path = request.path if request is not None else ""
    news = ("/campaigns/", "/news/")
    items = []
    for label, url in NAVIGATION:
        current = path.startswith(url) or (url == "/campaigns/" and path.startswith(news))
        items.append({"label": label, "url": url, "current": current})
    return {"items": items}


@register.filter
def error_anchor(bound_field):
    """The id an error summary link points at: the first input of a group, the first of a date's boxes in error
    (GOV.UK), or the field itself."""
    widget = bound_field.field.widget
    if isinstance(widget, DateInputWidget) and bound_field.errors:
        return f"{bound_field.auto_id}_{min(date_boxes_in_error(bound_field.errors.as_data()))}"
    if is_group(widget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id
