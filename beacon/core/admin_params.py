"""Cleans the query parameters Wagtail's admin screens read as they come, before any view sees them.

Wagtail 8 looks some of them up unchecked, each a 500 for a member of staff:
- `id` on the admin API's find views and the page, image and document choosers' `chosen-multiple/`: a value that
  is not a number raised ValueError (Beacon's snippet choosers check theirs in choosers.py);
- `parent_page_id` on the link choosers (external, email, phone, anchor): NoReverseMatch;
- `p` and `page`, the page numbers of listings: 0, -5, 1.5, NaN or a 20-digit number raised EmptyPage or ValueError;
- `q`, a listing's search: past SQLite's 50,000-byte LIKE pattern limit the query failed.
A bad `id`, `parent_page_id`, `p` or `page` is dropped (the screen answers as without it: nothing found, the first
page), and `q` is cut to SEARCH_MAX characters. Only /admin/ paths are touched.
"""

import re

ADMIN_PATH = "/admin/"
SEARCH_MAX = 200
_NUMBER = re.compile(r"[1-9][0-9]{0,17}")  # a positive whole number of at most 18 digits
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")

# The Wagtail views that look `id` up as it comes (paths under /admin/).
ID_PATHS = (
    "api/main/pages/find/",
    "api/main/images/find/",
    "api/main/documents/find/",
    "choose-page/chosen-multiple/",
    "images/chooser/chosen-multiple/",
    "documents/chooser/chosen-multiple/",
)


def _checks(path: str) -> dict:
    checks = {
        "parent_page_id": _NUMBER.fullmatch,
        "p": lambda v: v == "last" or _PAGE_NUMBER.fullmatch(v),
        "page": lambda v: v == "last" or _PAGE_NUMBER.fullmatch(v),
    }
    if path[len(ADMIN_PATH) :] in ID_PATHS:
        checks["id"] = _NUMBER.fullmatch
    return checks


class AdminParamsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PATH) and request.GET:
            request.GET = self.clean(request.path, request.GET)
        return self.get_response(request)

    @staticmethod
    def clean(path, query):
        cleaned = None
        for name, ok in _checks(path).items():
            values = query.getlist(name)
            if values and not all(ok(v) for v in values):
                cleaned = cleaned or query.copy()
                kept = [v for v in values if ok(v)]
                if name in ("p", "page"):
                    kept = kept[:1]
                cleaned.setlist(name, kept) if kept else cleaned.pop(name)
        searches = query.getlist("q")
        if any(len(q) > SEARCH_MAX for q in searches):
            cleaned = cleaned or query.copy()
            cleaned.setlist("q", [q[:SEARCH_MAX] for q in searches])
        if cleaned is None:
            return query
        cleaned._mutable = False
        return cleaned
