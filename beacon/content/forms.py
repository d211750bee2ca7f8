"""For other apps' staff forms that choose a theme, officer or support service (an event's lead officer, a Q&A
session's host): public pages show one only while it is published."""

from .selectors import snippets_to_choose


def choose_published(field, model, *, current_id=None) -> None:
    """Make a ModelChoiceField offer the published snippets of `model`, and the one already chosen, marked
    "(not published)" if it no longer is: saving then says to publish it first (the app's service refuses it)
    rather than the form dropping it without a word."""
    field.queryset = snippets_to_choose(model, current_id=current_id)
    field.label_from_instance = lambda snippet: str(snippet) if snippet.live else f"{snippet} (not published)"


OFFICER_HELP = "Officers are listed once their profile is published."
OFFICER_NOT_LISTED = "Choose an officer from the list. Officers are listed once their profile is published"


def choose_published_officer(field, *, current_id=None) -> None:
    """An officer named on a public page (an event's lead officer, a Q&A session's host): published officers only,
    and the one already chosen, marked if it is no longer published. The apps' services refuse any other, with
    "Publish the … first"."""
    from .models import Officer

    choose_published(field, Officer, current_id=current_id)
    field.help_text = OFFICER_HELP
    field.error_messages["invalid_choice"] = OFFICER_NOT_LISTED
