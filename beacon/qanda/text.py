"""Rules about question text shared by the web form and the email intake: what we refuse and why."""

import re

from beacon.core.forms import clean_text

from .models import DISPLAY_NAME_MAX, QUESTION_MAX

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Markup or script: any tag (a "<" and a name, then a space, "/", ">" or the end: "<details open", "</b>"),
# javascript: URLs, inline event handlers, quoted or not ("onload=", not "one =" or "&online=" in a link),
# and character references. Pages escape what they show anyway; this keeps markup out of the queue.
# "<https://…>" and "<name@example.org>", as emails write links and addresses, are not tags.
CODE = re.compile(
    r"<\s*/?\s*[a-z][a-z0-9-]*(?=[\s/>]|$)"
    r"|javascript\s*:|(?<![\w&?])on[a-z]{3,}\s*=|&#x?[0-9a-f]+;",
    re.IGNORECASE,
)
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
MAX_LINKS = 2
MIN_WORDS_LETTERS = 10


def question_problem(
    text: str, *, max_length: int = QUESTION_MAX, max_links: int | None = MAX_LINKS
) -> str | None:
    """The plain-English reason a question cannot be accepted, or None when it can. Email keeps
    footers full of links, so the intake passes max_links=None (moderators remove them)."""
    text = clean_text(text or "")
    if not text:
        return "Enter your question"
    if len(text) > max_length:
        return f"Your question must be {max_length} characters or fewer"
    if CODE.search(text):
        return "Your question must not include code or web page markup: write it in plain words"
    links = LINK.findall(text)
    without_links = LINK.sub(" ", text)
    if links and len(LETTER.findall(without_links)) < MIN_WORDS_LETTERS:
        return "Your question must be written in words, not only links"
    if max_links is not None and len(links) > max_links:
        return f"Your question can include no more than {max_links} links"
    if len(LETTER.findall(text)) < 3:
        return "Your question must include some words"
    return None


def display_name_problem(name: str) -> str | None:
    name = clean_text(name or "")
    if len(name) > DISPLAY_NAME_MAX:
        return f"Your name must be {DISPLAY_NAME_MAX} characters or fewer"
    if LINK.search(name) or CODE.search(name) or "@" in name:
        return "Your name must not include a link, an email address or code"
    return None
