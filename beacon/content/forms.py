"""For other apps' staff forms that choose a theme, officer or support service (an event's lead officer, a Q&A
session's host): public pages show one only while it is published."""

from .selectors import snippets_to_choose


def choose_published(field, model, *, current_id=None) -> None:
    """Make a ModelChoiceField offer the published snippets of `model`, and the one already chosen, marked
    "(not published)" if it no longer is: saving then says to publish it first (the app's service refuses it)
    rather than the form dropping it without a word."""
    field.queryset = snippets_to_choose(model, current_id=current_id)
    field.label_from_instance = lambda snippet: str(snippet) if snippet.live else f"{snippet} (not published)"
