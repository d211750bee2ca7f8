"""The routes the "no request yields a 500" sweep (test_no_server_errors.py) requests, and the hostile values
it sends them.

Routes come from the URL resolver itself, so a route added tomorrow is swept (or fails the sweep's guard test
until it is listed in EXCLUDED with a reason): nothing is left out silently.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver

# --- Which routes -------------------------------------------------------------------------------------

# Routes the sweep leaves out, by the package the view comes from, and why. A route is swept if its view is
# Beacon's (a beacon.* module; a Wagtail viewset, snippet or chooser that Beacon's wagtail_hooks register; a
# Wagtail view of one of Beacon's models) or is in WAGTAIL_SWEPT; any other route must match an entry here,
# or test_every_route_is_swept_or_excluded_on_purpose fails.
EXCLUDED: dict[str, str] = {
    "wagtail.admin": "The Wagtail admin's own screens (page explorer and editor, choosers, workflows, reports, "
    "collections, the page explorer's JSON API, the account page): Wagtail's code and Wagtail's tests. Beacon's screens "
    "inside the admin (triage, Q&A moderation, dashboard, events, viewsets on Beacon's models) are swept.",
    "wagtail.documents": "Wagtail's document library (Beacon adds nothing to it).",
    "wagtail.images": "Wagtail's image library (Beacon adds nothing to it).",
    "wagtail.snippets": "Wagtail's snippet index and choosers for models that are not Beacon's. The snippet "
    "screens of Beacon's own models (themes, officers, support services, Q&A answers) are swept.",
    "wagtail.users": "Wagtail's group (role) screens. Its user screens are swept: staff accounts are Beacon's "
    "own User model.",
    "wagtail.sites": "Wagtail's site settings screens.",
    "wagtail.contrib.redirects": "Wagtail's redirects screens.",
    "wagtail.contrib.settings": "Wagtail's settings screens (Beacon registers no settings models).",
    # admin/test404/ is a TemplateView that Wagtail's admin URLconf adds for its own 404 test.
    "django.views.generic.base": "admin/test404/, a page Wagtail's admin URLconf adds for its own tests.",
}

# The staff sign-in pages (Wagtail's views; django-axes locks out, then Beacon's two-factor step follows).
SIGN_IN = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
}

# Wagtail views that are Beacon's public or sign-in surface, swept although their code is Wagtail's.
WAGTAIL_SWEPT = SIGN_IN | {
    "wagtail_serve",  # every page of the site: home, campaigns, weeks, news, advice
    "wagtailcore_authenticate_with_password",  # the password form of a private page
    "wagtailadmin_logout",
}

# Routes no request can reach: a pattern listed before them answers their address first.
SHADOWED: dict[str, str] = {
    "wagtailcore_login": "config/urls.py answers _util/login/ first, with a redirect to /account/sign-in/ "
    "(private pages need both sign-in steps), which the sweep requests as a Beacon route.",
}


@dataclass(frozen=True)
class Route:
    route: str  # the whole pattern, e.g. "admin/triage/reports/<int:pk>/"
    name: str  # namespaced URL name, e.g. "triage:detail" ("" if the pattern has none)
    pattern: URLPattern = field(compare=False, repr=False)

    @property
    def callback(self):
        return self.pattern.callback

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)

    @property
    def module(self) -> str:
        view = self.view_class or self.callback
        return getattr(view, "__module__", "") or ""

    @property
    def model(self):
        """The model a Wagtail generic view works on (from the viewset, or the view class itself)."""
        model = (getattr(self.callback, "view_initkwargs", None) or {}).get("model")
        return model or getattr(self.view_class, "model", None)

    @property
    def beacon_code(self) -> bool:
        """The view's code is Beacon's (not a Wagtail view configured by Beacon)."""
        return self.module.startswith("beacon.")

    @property
    def beacon_owned(self) -> bool:
        """Beacon's code, or a Wagtail view that Beacon registers (a viewset or snippet of Beacon's, with its
        chooser) or that works on one of Beacon's models (the staff accounts: Beacon's own User)."""
        model = self.model
        return (
            self.beacon_code
            or self.name.split(":")[0] in beacon_viewset_namespaces()
            or (isinstance(model, type) and model.__module__.startswith("beacon."))
        )

    @property
    def swept(self) -> bool:
        return self.name not in SHADOWED and (self.beacon_owned or self.name in WAGTAIL_SWEPT)

    @property
    def exclusion(self) -> str | None:
        """Why the route is not swept (None if it is swept, or is in no EXCLUDED entry)."""
        if self.swept:
            return None
        if self.name in SHADOWED:
            return SHADOWED[self.name]
        for package, why in EXCLUDED.items():
            if self.module == package or self.module.startswith(package + "."):
                return why
        return None

    @property
    def staff(self) -> bool:
        """A back-office route: for signed-in staff (the sign-in pages themselves are for anyone)."""
        return self.route.startswith(("admin/", "account/")) and self.name not in SIGN_IN

    @property
    def id(self) -> str:
        return f"{self.name or '(no name)'} {self.route}"


@functools.cache
def beacon_viewset_namespaces() -> frozenset[str]:
    """The URL namespaces of the Wagtail viewsets (and their choosers) that Beacon's wagtail_hooks register."""
    from wagtail.admin.viewsets import viewsets

    get_resolver().url_patterns  # noqa: B018 - loading the URLconf registers the viewsets
    found = set()
    for viewset in viewsets.viewsets:
        if type(viewset).__module__.startswith("beacon."):
            found.add(viewset.url_namespace)
            chooser = getattr(viewset, "chooser_viewset", None)
            if chooser is not None:
                found.add(chooser.url_namespace)
    return frozenset(found)


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        else:
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            yield Route(route=prefix + str(entry.pattern), name=name, pattern=entry)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver(), "", ()))


def swept_routes() -> list[Route]:
    return [route for route in all_routes() if route.swept]


# --- Hostile values -----------------------------------------------------------------------------------

# In a URL path, wherever the route's converter accepts them (the sweep resolves each URL it builds and keeps
# those that reach the same route).
HOSTILE_PATH = [
    "0",
    "-1",
    str(2**63),  # one past the largest 64-bit integer
    "9" * 300,
    "\u00b2",  # SUPERSCRIPT TWO: isdigit() is True, int() refuses it
    "\u0663",  # ARABIC-INDIC DIGIT THREE: int() accepts it
    "abc",
    "%00",
    "a" * 300,
    "<script>",
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
]

# The path values likeliest to find a fault (an integer no column holds, a digit int() refuses, letters where
# an id is expected, a NUL): a lighter sweep sends only these.
LIKELIEST_PATH = {str(2**63), "\u00b2", "abc", "%00"}

# In query strings and form bodies: each is given to every parameter a view reads, one value per request.
HOSTILE_VALUES = [
    "\u00b2",
    "\u0663",
    "-1",
    str(2**63),
    "9" * 400,
    "\x00",
    "<script>alert(1)</script>",
    "",
    "../../etc/passwd",
    "\u202eevil",
    "NaN",
    "9999-12-31",  # the last date Python knows: a day later overflows
    "0001-01-01",
    'he said "no',  # an unpaired double quote: SQLite's full-text search syntax gave "unterminated string"
]


# The same, for the staff screens (whose pages cost three or four times a public one): the four values that
# are only text to a form ("<script>", "../../etc/passwd", a bidi override, an unpaired quote) are sent as one.
ADMIN_VALUES = [
    value
    for value in HOSTILE_VALUES
    if value not in {"<script>alert(1)</script>", "../../etc/passwd", "\u202eevil", 'he said "no'}
] + ['<script>alert(1)</script>../../etc/passwd\u202eevil he said "no']


def path_segment(value: str) -> str:
    """A hostile value as it appears in a path: percent-encoded, except for a '%' escape it already holds."""
    return quote(value, safe="%")


# --- Form fields on a page ----------------------------------------------------------------------------


class FormFields(HTMLParser):
    """What a page's forms send: the names of its GET forms' fields (query parameters) and of its other forms'
    fields (form bodies), the file fields, the values offered for choice fields and buttons (so that a request
    can take each branch a view has), and the values the page fills in (`filled`: the form as it would be sent
    unchanged, hidden fields such as a report's version included, so that a request can change one field and
    reach the code behind the form's other checks)."""

    TEXT_KINDS = {
        "",
        "text",
        "hidden",
        "email",
        "tel",
        "number",
        "date",
        "datetime-local",
        "time",
        "url",
        "search",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.query_names: set[str] = set()
        self.names: set[str] = set()
        self.files: set[str] = set()
        self.choices: dict[str, set[str]] = {}
        self.query_choices: dict[str, set[str]] = {}
        self.filled: dict[str, str] = {}
        self._select: str | None = None
        self._select_choices: dict[str, set[str]] = {}
        self._select_query = False
        self._textarea: str | None = None
        self._form_method = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form_method = (attributes.get("method") or "get").lower()
            return
        name = attributes.get("name")
        if tag in {"input", "textarea", "select", "button"} and name and name != "csrfmiddlewaretoken":
            query = self._form_method == "get"
            (self.query_names if query else self.names).add(name)
            choices = self.query_choices if query else self.choices
            kind = (attributes.get("type") or "").lower()
            value = attributes.get("value")
            if kind == "file" and not query:
                self.files.add(name)
            if tag == "button" or kind in {"radio", "checkbox", "submit", "hidden"}:
                if value is not None:
                    choices.setdefault(name, set()).add(value)
            if not query:
                if tag == "input" and kind in self.TEXT_KINDS:
                    self.filled.setdefault(name, value or "")
                elif tag == "input" and kind in {"radio", "checkbox"} and "checked" in attributes:
                    self.filled.setdefault(name, value or "on")
                elif tag == "textarea":
                    self._textarea = name
                    self.filled.setdefault(name, "")
            if tag == "select":
                self._select, self._select_choices, self._select_query = name, choices, query
        elif tag == "option" and self._select:
            value = attributes.get("value")
            if value:
                self._select_choices.setdefault(self._select, set()).add(value)
            if not self._select_query and ("selected" in attributes or self._select not in self.filled):
                if value is not None:
                    self.filled[self._select] = value

    def handle_data(self, data):
        if self._textarea and not self.filled[self._textarea]:
            self.filled[self._textarea] = data.strip("\n")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form_method = ""


def form_fields(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


# --- Building URLs ------------------------------------------------------------------------------------

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def parameters(route: Route) -> list[str]:
    """The names of the route's URL parameters, in order."""
    found = [m["name"] for m in _REGEX_GROUP.finditer(route.route)]
    found += [m["name"] for m in _ROUTE_PARAMETER.finditer(_REGEX_GROUP.sub("", route.route))]
    return list(dict.fromkeys(found))


def sentinel(route: Route, name: str, index: int) -> int | str:
    """A value for parameter `name` that its converter accepts and that appears nowhere else in the URL, to be
    replaced by plausible and hostile values in the reversed URL."""
    for match in _REGEX_GROUP.finditer(route.route):
        if match["name"] == name:
            return 7770001 + index if "\\d" in match["body"] else f"zzsweep{index}"
    for match in _ROUTE_PARAMETER.finditer(_REGEX_GROUP.sub("", route.route)):
        if match["name"] == name:
            return 7770001 + index if match["converter"] == "int" else f"zzsweep{index}"
    raise LookupError(name)
