import datetime as dt

from django import forms, template

register = template.Library()


@register.filter
def is_group(bound_field) -> bool:
    """Radios and checkbox lists are a group: a fieldset with a legend."""
    return isinstance(bound_field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A short, plain duration: "45 minutes", "3 hours 20 minutes", "2 days 4 hours"."""
    if value is None:
        return ""
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)

    def unit(number, word):
        return f"{number} {word}{'' if number == 1 else 's'}"

    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute")


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
