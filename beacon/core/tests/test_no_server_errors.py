"""No request ever yields a 500: every route Beacon serves, requested with plausible and hostile values.

The routes come from the URL resolver (sweep.py): a route added later is swept without anyone adding it here,
and one that is neither swept nor excluded with a reason (sweep.EXCLUDED) fails
test_every_route_is_swept_or_excluded_on_purpose. There is one test per route and visitor; a failure lists
every request that gave a 500 or raised (method, URL, body), with the first exception's traceback chained.

The visitors: anonymous; the most privileged member of staff (the demo administrator, who is a superuser, so
every permission check passes); and on the staff routes, the least privileged (a triage officer). Staff are
signed in with the second factor verified, as the triage, events and Q&A view tests sign in.

What a visitor is sent depends on the tier (_tier):

- THOROUGH, for Beacon's own views as the visitor they are for (the public on public routes, the most
  privileged member of staff on staff routes): the URL built from the demo data, and with each of
  HOSTILE_PATH in each URL parameter whose converter accepts it; GETs with every query parameter the view
  reads (the page's GET forms, COMMON_QUERY_NAMES, QUERY_NAMES) set to each hostile value in turn, to a list
  of two values, and with each filter choice; a HEAD; POSTs with every form field (the page's own forms,
  POST_NAMES, "next") set to each hostile value in turn, to a list of two values, with each button or choice
  the page offers, with the honeypot filled in, and as the page fills the form in with one field at a time
  changed; a junk file in every file field; OPTIONS, PUT and DELETE.
- LIGHT, for Wagtail's views that Beacon configures (viewsets and snippets of its models, choosers, sign-in)
  as the visitor they are for: the same shape with the few values likeliest to find a fault (UNIFORM,
  sweep.LIKELIEST_PATH).
- GETS, for Wagtail's own admin screens (page explorer and editor, choosers, workflows, reports, collections,
  documents, images, sites, roles, redirects, settings, the admin API) as the superuser: GETs only (an empty form
  is posted to each by test_admin_posts.py), to the URL built from real objects, with a missing id, 0 and huge
  numbers (and, where the converter takes text, letters and a NUL) in each URL parameter, and with hostile
  query strings (ADMIN_QUERIES: page numbers -1, abc and 99999, an ordering by no column, a 50,000-character
  search; and each of ADMIN_VALUES_GETS in every parameter Wagtail's views read).
- GLANCE, for the other visitors (mostly refused, or shown what the route's own visitor is shown) and for
  views that repeat one swept in full: a GET and a POST.

Every response must be below 500. The demo data is built once for the module, in a transaction rolled back
when it ends; each test runs in a savepoint inside it, as pytest-django's tests always do.
"""

from __future__ import annotations

import copy
import io
import time
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from beacon.core.cache import throttle_cache

from . import sweep

ROUTES = sweep.swept_routes()
TALLY = {"requests": 0.0, "seconds": 0.0}  # printed when the module ends
ROLES = ("anonymous", "most privileged", "least privileged")

# Query parameters that views read from request.GET (grep request.GET) and no form on their page names: sent
# to every route (pages, Wagtail's listings' page, search and ordering, "next", the journey's "change" and
# "item", the Q&A moderation tab), and to some routes only (QUERY_NAMES). A page's GET forms name the rest.
COMMON_QUERY_NAMES = {"page", "p", "q", "ordering", "next", "export", "change", "item", "status"}
QUERY_NAMES: dict[str, set[str]] = {
    "wagtail_serve": {"campaign", "week", "theme"},  # the news listing's filter links (news_listing)
    "triage:export": {"report"},  # the reports ticked in the queue
}

# Form fields every POST carries as well: where to go next (many views redirect to it).
COMMON_POST_NAMES = {"next"}

# Query parameters read by every route whose name ends so (Wagtail's chooser views, one set per model).
QUERY_NAMES_BY_SUFFIX = {":chosen_multiple": {"id"}}

# Form fields of views that take POSTs but show no form of their own for the sweep to read (the form is on
# another page, or only appears once something else is done).
POST_NAMES: dict[str, set[str]] = {
    "reporting:followup_reply": {"receipt", "text", "files", "website"},
    "reporting:delete_answers": set(),
    "qanda_admin:state": {"state", "next"},
    "qanda_admin:prepare_answers": set(),
    "qanda_admin:waiting": set(),
}


# Fields that must stay empty for a request to be treated as a person's (the honeypot): hostile values go in
# them in one request only.
HONEYPOTS = {"website"}


# --- The data the URLs point at ----------------------------------------------------------------------


@dataclass
class World:
    ids: dict = field(default_factory=dict)  # what the URL converters are filled with
    page_paths: list = field(default_factory=list)
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # a session key for each visitor
    fields: dict = field(default_factory=dict)  # by route: form values that get a request past a first check
    admin_ids: dict = field(default_factory=dict)  # what Wagtail's own admin screens' URLs are filled with


def _walk_journey(steps) -> dict:
    client = Client()
    assert client.get("/report/danger/").status_code == 200
    for slug, data in steps:
        response = client.post(f"/report/{slug}/", data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    return copy.deepcopy(client.session["report_journey"])


def _journeys() -> dict:
    """Two journeys answered up to "Check your answers": between them, every page of the journey is on a route
    (one says the concern happened once, the other that it is ongoing)."""
    common_head = [
        ("danger", {"danger": "yes"}),
        ("call-999", {}),
        ("about", {"categories": ["dealing"]}),
        ("where", {"postcode": "NN1 1AF"}),
    ]
    common_tail = [
        ("people", {"people": "yes"}),
        ("person", {"name": "Big Dave", "age": "30", "description": "red cap", "is_child": "no"}),
        ("people-list", {"add_another": "no"}),
        ("vehicles", {"vehicles": "yes"}),
        ("vehicle", {"registration": "AB12 CDE", "make": "Ford", "model": "Focus", "colour": "blue"}),
        ("vehicles-list", {"add_another": "no"}),
        ("numbers", {"numbers": "yes"}),
        ("number", {"phone": "07700 900123"}),
        ("numbers-list", {"add_another": "no"}),
        ("child-involved", {"child": "yes"}),
        ("child", {"ages": "14", "in_danger": "yes", "where_known": "school"}),
        ("child-999", {}),
        ("how", {"how": "saw"}),
        ("details", {"details": "Cars stop outside all evening."}),
        ("files", {"action": "continue"}),
        ("contact", {"contact": "identified"}),
        ("contact-details", {"name": "Sam Example", "email": "sam@example.org", "ways": ["email"]}),
    ]
    return {
        "once": _walk_journey(
            [
                *common_head,
                ("when", {"when": "once"}),
                ("when-once", {"date_0": "2", "date_1": "3", "date_2": "2025", "time": "8pm"}),
                *common_tail,
            ]
        ),
        "ongoing": _walk_journey(
            [*common_head, ("when", {"when": "ongoing"}), ("when-ongoing", {"since": "weeks"}), *common_tail]
        ),
    }


def _build_world() -> World:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.models import Page, PageViewRestriction, Revision, TaskState, WorkflowState

    from beacon.accounts import roles
    from beacon.accounts.models import User
    from beacon.content.models import CampaignPage
    from beacon.core.models import PolicingArea
    from beacon.events.models import Event, WorkshopRequest
    from beacon.events.views import CONFIRMATION_SALT
    from beacon.feedback.services import feedback_submit
    from beacon.qanda import services as qanda_services
    from beacon.qanda.models import AnswerSheet, QandASession, Question, ReceivedEmail
    from beacon.reporting.models import ReportAttachment, ReportIdentifier
    from beacon.reporting.services import report_message_add, report_submit

    call_command("seed_demo", stdout=io.StringIO())
    world = World()

    admin = User.objects.get(username="admin")  # an Administrator and a superuser
    least = User.objects.get(username="triage")
    assert admin.is_superuser and least.groups.get().name == roles.TRIAGE_OFFICER
    for user in (admin, least):
        TOTPDevice.objects.create(user=user, name="sweep", confirmed=True)
    world.users = {"most privileged": admin, "least privileged": least}

    # A report with everything the triage pages show: a file, a question to the reporter and a reply.
    result = report_submit(
        answers={
            "categories": ["dealing"],
            "where": {"address": "", "postcode": "NN1 1AF", "description": "By the shops"},
            "when": {"kind": "now"},
            "phones": ["07700 900999"],
            "how_known": "saw",
            "details": "Dealing outside the shop.",
        },
        files=[("photo.png", sweep.PNG)],
    )
    report, receipt = result.report, result.receipt_code
    report_message_add(report=report, direction="to_reporter", text="Which shop?", author=admin)
    report_message_add(report=report, direction="from_reporter", text="The corner shop.")
    # A receipt code that is found: the follow-up pages' requests get past it to the code behind.
    world.fields = {name: {"receipt": receipt} for name in ("reporting:followup", "reporting:followup_reply")}

    feedback_submit(rating=4, comment="Clear pages.")
    ReceivedEmail.objects.create(mailbox="INBOX", uidvalidity=1, uid=1, outcome=ReceivedEmail.EMPTY)

    # Published answers waiting in the approval workflow (the snippet's workflow screens need a task).
    sheet = AnswerSheet.objects.select_related("session").first()
    editor = User.objects.get(username="editor")
    sheet = qanda_services.answers_prepare(session=sheet.session, user=editor)
    qanda_services.answers_submit(sheet=sheet, user=editor)
    task_state = TaskState.objects.filter(workflow_state__object_id=str(sheet.pk)).latest("pk")

    # A private page (the password form of wagtailcore_authenticate_with_password).
    private = Page.objects.live().filter(depth__gte=3).last()
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="a-page-password"
    )

    campaign = CampaignPage.objects.live().first()
    event = Event.objects.filter(is_public=True).order_by("starts_at").last()
    session = QandASession.objects.exclude(state=QandASession.CLOSED).first() or QandASession.objects.first()
    workshop = WorkshopRequest.objects.first()
    identifier = ReportIdentifier.objects.first()
    world.ids = {
        "report": report.pk,
        "attachment": ReportAttachment.objects.filter(report=report).first().pk,
        "identifier_kind": identifier.kind,
        "identifier_digest": identifier.digest,
        "campaign": campaign.pk,
        "campaign_slug": campaign.slug,
        "event": event.pk,
        "event_slug": event.slug,
        "area_code": PolicingArea.objects.first().code,
        "session": session.pk,
        "session_slug": session.slug,
        "question": Question.objects.filter(session__isnull=False).first().pk,
        "workshop_signed": signing.dumps(workshop.pk, salt=CONFIRMATION_SALT),
        "revision": Revision.objects.filter(object_id=str(sheet.pk)).latest("pk").pk,
        "sheet": sheet.pk,
        "task_state": task_state.pk,
        "workflow_state": WorkflowState.objects.filter(object_id=str(sheet.pk)).latest("pk").pk,
        "restriction": restriction.pk,
        "private_page": private.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(admin.pk)),
        "token": default_token_generator.make_token(admin),
    }
    # Every page of the site; the first of each kind is explored with hostile values, the others just shown.
    site_root = Page.objects.get(depth=2)
    kinds = set()
    for page in Page.objects.live().descendant_of(site_root, True).order_by("path"):
        world.page_paths.append((page.url_path[len(site_root.url_path) :], page.content_type_id not in kinds))
        kinds.add(page.content_type_id)
    world.sessions = _sessions(world, _journeys())
    world.admin_ids = sweep.admin_objects(admin)  # a document, an image, revisions, a page in a workflow
    return world


@pytest.fixture(scope="module")
def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, built once for this module in a transaction that is rolled back when it ends (each test
    runs in a savepoint inside it, as pytest-django's tests always do). Files go to a folder of its own."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            for name in ("default", "pages"):
                caches[name].clear()
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if TALLY["requests"] and reporter and capture:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nno-500 sweep: {len(ROUTES)} routes, {TALLY['requests']:.0f} requests, "
                f"{TALLY['seconds']:.1f} s in the views"
            )


# --- URLs ---------------------------------------------------------------------------------------------


def _plausible(route: sweep.Route, name: str, world: World):
    """A value from the demo data for the URL parameter `name` of `route`."""
    if route.wagtail_admin:
        return sweep.admin_value(route, name, world.admin_ids)
    ids = world.ids
    url = route.name
    if url.startswith("triage:"):
        return {
            "pk": ids["report"],
            "attachment_id": ids["attachment"],
            "kind": ids["identifier_kind"],
            "digest": ids["identifier_digest"],
        }[name]
    if url == "qanda_admin:review":
        return ids["question"]
    if url.startswith("qanda_admin:"):
        return ids["session"]
    if url.startswith("insights:"):
        return ids["campaign"]
    if url.startswith("events:"):
        if url == "events:feed_campaign":
            return ids["campaign_slug"]
        return {
            "pk": ids["event"],
            "slug": ids["event_slug"],
            "code": ids["area_code"],
            "signed": ids["workshop_signed"],
        }[name]
    if url.startswith("qanda:"):
        return ids["session_slug"]
    if url == "wagtailcore_authenticate_with_password":
        return {"page_view_restriction_id": ids["restriction"], "page_id": ids["private_page"]}[name]
    if url == "wagtailadmin_password_reset_confirm":
        return ids[name]
    by_name = {
        "revision_id": ids["revision"],
        "revision_id_a": ids["revision"],
        "revision_id_b": "latest",
        "action_name": "approve",
        "task_state_id": ids["task_state"],
        "workflow_state_id": ids["workflow_state"],
    }
    if name in by_name:
        return by_name[name]
    if name == "pk" and isinstance(route.model, type):
        pk = route.model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            return pk
    raise LookupError(f"The sweep has no plausible value for <{name}> in {route.id}: add one in _plausible")


@dataclass(frozen=True)
class Target:
    url: str
    explore: bool  # built from the demo data: explored; with a hostile value in its path: probed
    hostile: str = ""  # the hostile value in its path


def _targets(route: sweep.Route, world: World) -> list[Target]:
    if route.name == "wagtail_serve":
        plausible = [Target("/" + path, thorough) for path, thorough in world.page_paths]
        hostile = [(f"/{sweep.path_segment(v)}/", v) for v in sweep.HOSTILE_PATH]
        hostile += [(f"/news/{sweep.path_segment(v)}/", v) for v in sweep.HOSTILE_PATH[:4]]
        return plausible + [Target(url, False, value) for url, value in hostile if _reaches(url, route)]
    if not route.name:
        url = sweep.UNNAMED_URLS.get(route.route, "/" + route.route)
        assert _reaches(url, route), f"{url} does not reach {route.id}"
        return [Target(url, True)]
    names = sweep.parameters(route)
    sentinels = {name: sweep.sentinel(route, name, index) for index, name in enumerate(names)}
    try:
        template = reverse(route.name, kwargs=sentinels)
    except NoReverseMatch as error:  # pragma: no cover - a route the sweep cannot build is a sweep bug
        raise AssertionError(f"The sweep could not build a URL for {route.id}: {error}") from None
    values = {name: str(_plausible(route, name, world)) for name in names}

    def build(overrides: dict) -> str:
        url = template
        for name, sentinel in sentinels.items():
            url = url.replace(str(sentinel), overrides.get(name, sweep.path_segment(values[name])))
        return url

    targets = [Target(build({}), True)]
    assert _reaches(targets[0].url, route), f"{targets[0].url} does not reach {route.id}"
    seen = {targets[0].url}
    for name in names:
        for value in sweep.HOSTILE_PATH:
            url = build({name: sweep.path_segment(value)})
            if url not in seen and _reaches(url, route):
                seen.add(url)
                targets.append(Target(url, False, value))
    return targets


def _reaches(url: str, route: sweep.Route) -> bool:
    """The URL resolves to the route (a hostile value the converter refuses resolves elsewhere, or not at all)."""
    from urllib.parse import unquote

    try:
        match = resolve(unquote(url))
    except Resolver404:
        return False
    return (match.view_name == route.name or not route.name) and match.func is route.callback


# --- Requests -----------------------------------------------------------------------------------------


def _client(role: str, route: sweep.Route, world: World) -> Client:
    """A client with the session the world made for this visitor (what a test changes in it is rolled back)."""
    client = Client()
    if role == "anonymous":
        role = "anonymous ongoing" if route.name == "reporting:when-ongoing" else "anonymous once"
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def _sessions(world: World, journeys: dict) -> dict:
    """Session keys: each member of staff signed in with the second factor verified (as the triage, events and
    Q&A view tests sign in), and a visitor with each reporting journey answered up to "Check your answers"."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sessions = {}
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
        sessions[role] = session.session_key
    for name, journey in journeys.items():
        session = Client().session
        session["report_journey"] = journey
        session.save()
        sessions[f"anonymous {name}"] = session.session_key
    return sessions


def _junk_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("../../etc/passwd\u202egpj.exe", b"MZ\x00\x00 not really a file")


THOROUGH, LIGHT, GLANCE, GETS = "thorough", "light", "glance", "gets"

# The query strings GETS sends every URL, each on its own: page numbers below the first, unreadable and past
# the last, an ordering by no column, a search of 50,000 characters.
ADMIN_QUERIES = [
    {"p": "-1", "page": "-1", "ordering": "__nonexistent"},
    {"p": "abc", "page": "abc", "ordering": "-__nonexistent"},
    {"p": "99999", "page": "99999"},
    {"q": "a" * 50_000},
]

# The query parameters Wagtail's admin views read from request.GET (grep request.GET in wagtail/): GETS gives
# each value of ADMIN_VALUES_GETS to all of them at once, with the names of the page's own GET forms.
WAGTAIL_QUERY_NAMES = {
    *("p", "q", "ordering", "locale", "id", "rich_text_format", "multiple", "export", "select_format"),
    *("translation_of", "tag", "position", "page_type", "page", "mode", "link_url", "link_text", "layout"),
    *("html_path", "descendant_of", "child_of", "width", "user_perms", "type", "term", "site", "search"),
    *("search_operator", "search_all", "query", "parent_page_id", "order_by", "order", "offset", "next"),
    *("match_subclass", "limit", "in_preview_panel", "height", "has_children", "for_explorer"),
    *("filter_method", "fields", "content_type", "collection_id", "closeness", "can_choose_root"),
    *("ancestor_of", "allow_phone_link", "allow_external_link", "allow_email_link", "allow_anchor_link"),
    "childOf",  # the bulk actions': the listing's parent page, read with id=all
}

# Query strings GETS sends some routes as well, by name.
GETS_QUERIES = {
    "beacon_admin_bulk_action": [
        {"id": "all", "childOf": value} for value in ("abc", "0", str(sweep.MISSING_ID), str(2**63))
    ],
}
ADMIN_VALUES_GETS = ("\u00b2", "0", str(2**63))

# The path values GETS puts in each URL parameter whose converter accepts them: a missing id, 0, huge numbers,
# letters, a digit int() refuses, a NUL.
GETS_PATH = sweep.LIKELIEST_PATH | {"0", str(sweep.MISSING_ID), "9" * 300}


class Sweeper:
    """Sends requests to one route as one visitor, keeping a note of every response of 500 or more and every
    exception a view raised (it goes on to the next request, and the test reports them all at the end)."""

    def __init__(self, client: Client, route: sweep.Route, role: str, tier: str, plausible: dict):
        self.client = client
        self.plausible = plausible  # form values that get a request past a first check
        self.route = route
        self.role = role
        self.tier = tier
        self.main = role == _main_role(route)  # the visitor the route is for
        self.values = sweep.ADMIN_VALUES if route.staff else sweep.HOSTILE_VALUES
        self.failures: list[str] = []
        self.first_error: BaseException | None = None
        self.count = 0

    def send(self, method: str, url: str, data=None):
        if method == "post":
            throttle_cache.clear()  # rate limits would refuse later requests before they reach the code
        self.count += 1
        started = time.perf_counter()
        try:
            response = getattr(self.client, method)(url, data)
        except Exception as error:  # noqa: BLE001 - every exception is a failure to report, with its request
            self.failures.append(
                f"{method.upper()} {url} {_brief(data)} raised {type(error).__name__}: {error}"
            )
            self.first_error = self.first_error or error
            return None
        finally:
            TALLY["requests"] += 1
            TALLY["seconds"] += time.perf_counter() - started
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url} {_brief(data)} gave {response.status_code}")
        return response

    def explore(self, url: str) -> None:
        """Everything the sweep sends to a URL built from the demo data."""
        if self.tier == GETS:
            return self.gets(url)
        response = self.send("get", url)
        tier = GLANCE if _refused(response) else self.tier
        fields = sweep.FormFields()
        if response is not None and "html" in response.get("Content-Type", ""):
            fields = sweep.form_fields(response.content.decode(errors="replace"))

        # Query strings: every value in turn to the parameters the view is known to read, or a few spread
        # over the usual names for a view that reads none.
        read = QUERY_NAMES.get(self.route.name, set()) | fields.query_names
        for suffix, names in QUERY_NAMES_BY_SUFFIX.items():
            if self.route.name.endswith(suffix):
                read |= names
        names = sorted(COMMON_QUERY_NAMES | read)
        if response is None or response.status_code != 405:
            if tier == THOROUGH and read:
                queries = [_uniform(names, value) for value in self.values]
                # Each choice of the page's filters (a few), with hostile values in the other parameters.
                queries += [
                    _spread(names, turn) | {name: value}
                    for turn, (name, value) in _offered(fields.query_choices)
                ]
            elif tier == THOROUGH:  # a view that reads none: one request to find out if it does after all
                queries = [_uniform(names, UNIFORM[0])]
            elif tier == LIGHT:
                queries = [_uniform(names, UNIFORM[0])] + ([_spread(names, 0)] if read else [])
            elif self.main:
                queries = [_spread(names, 0)]
            else:  # a lesser visitor: refused, or shown what the route's own visitor is shown
                queries = []
            if tier == THOROUGH or (tier == LIGHT and read):
                queries.append({name: ["1", "\u00b2"] for name in names})
            for query in queries:
                self.send("get", url, query)
        if tier == THOROUGH or (tier == LIGHT and not self.route.staff):
            # (Wagtail's own views in the admin answer HEAD with their GET, as Django's views do.)
            self.send("head", url)

        # Form bodies, unless the view refuses POSTs outright.
        if tier == GLANCE:
            self.send("post", url, _spread(sorted(fields.names | COMMON_POST_NAMES), 0))
        elif (response := self.send("post", url, {})) is None or response.status_code != 405:
            self.post_forms(url, fields, tier)
        if self.main:  # once per URL, by the visitor the route is for
            for method in ("options", "put", "delete"):
                self.send(method, url)

    def post_forms(self, url: str, fields: sweep.FormFields, tier: str) -> None:
        declared = fields.names | POST_NAMES.get(self.route.name, set())
        names = sorted((declared | COMMON_POST_NAMES) - HONEYPOTS)
        plausible = self.plausible
        files = fields.files | ({"files"} & POST_NAMES.get(self.route.name, set()))
        if tier == THOROUGH and declared:
            bodies = [_uniform(names, value) for value in self.values]
        elif tier == THOROUGH:  # a view with no form of its own: a few values spread over the usual names
            bodies = [_spread(names, 0), _spread(names, 1)]
        else:
            bodies = [_uniform(names, value) for value in UNIFORM]
        bodies[0].update({name: _junk_file() for name in files})
        if plausible:
            bodies += [body | plausible for body in bodies]
        if tier == THOROUGH and declared:
            bodies.append({name: ["1", "\u00b2"] for name in names})
            # Each button and choice the page offers (a few), with hostile values in every other field.
            for turn, (name, value) in _offered(fields.choices):
                bodies.append(_spread(names, turn) | plausible | {name: value})
            # The form as the page fills it in, unchanged and then with one field at a time given a hostile
            # value (a different one for each field): past the form's other checks to the service behind.
            filled = fields.filled | plausible
            bodies.append(dict(filled))
            changeable = sorted(set(filled) - HONEYPOTS)[:MAX_ONE_AT_A_TIME]
            for index, name in enumerate(changeable):
                bodies.append(filled | {name: _for_field(name, self.values[index % len(self.values)])})
            if HONEYPOTS & fields.names:  # the honeypot filled in, as a form-filling robot does
                bodies.append(_spread(names, 0) | plausible | dict.fromkeys(HONEYPOTS, "http://spam.example"))
        for body in bodies:
            self.send("post", url, body)

    def gets(self, url: str) -> None:
        """GETS: the URL as it is, with each of ADMIN_QUERIES, and with each hostile value in every parameter
        Wagtail's views read and the page's GET forms name."""
        response = self.send("get", url)
        fields = sweep.FormFields()
        if response is not None and "html" in response.get("Content-Type", ""):
            fields = sweep.form_fields(response.content.decode(errors="replace"))
        names = sorted(WAGTAIL_QUERY_NAMES | fields.query_names)
        queries = [*ADMIN_QUERIES, *(_uniform(names, value) for value in ADMIN_VALUES_GETS)]
        queries.append({name: ["1", "\u00b2"] for name in names})
        queries += GETS_QUERIES.get(self.route.name, [])
        for query in queries:
            self.send("get", url, query)

    def probe(self, target: Target) -> None:
        """What the sweep sends to a URL with a hostile value in its path: THOROUGH a GET for each value and a
        POST for the likeliest; LIGHT a GET for the likeliest; GLANCE nothing (the visitor is turned away
        before the path matters, or sees what the route's own visitor sees)."""
        if self.tier == GETS:
            if target.hostile in GETS_PATH:
                self.send("get", target.url)
            return
        likeliest = target.hostile in sweep.LIKELIEST_PATH
        if self.tier == THOROUGH or (self.tier == LIGHT and likeliest):
            self.send("get", target.url)
        if self.tier == THOROUGH and likeliest:
            self.send("post", target.url, {})


# How many of a form's fields the sweep changes one at a time (in name order) in the form as the page fills it.
MAX_ONE_AT_A_TIME = 6

# A formset's management fields get no more than 25: Django builds up to 1,000 forms for a larger count, which
# takes seconds a request (slow, not a 500). 25 is still more forms than any page here shows.
MANAGEMENT_FIELDS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def _for_field(name: str, value):
    if name.endswith(MANAGEMENT_FIELDS) and isinstance(value, str) and value.isdigit() and len(value) > 2:
        return "25"
    return value


# The values LIGHT gives to every field at once: a digit int() refuses although isdigit() accepts it, a
# negative number (a formset of -1 forms is a valid empty one), and one past the largest 64-bit integer.
UNIFORM = ("\u00b2", "-1", str(2**63))


def _uniform(names, value) -> dict:
    return {name: _for_field(name, value) for name in names}


def _offered(choices: dict[str, set[str]]):
    """(turn, (name, value)) for a few of the choices a page offers: two values of each of its first fields."""
    offered = [(name, value) for name, values in sorted(choices.items()) for value in sorted(values)[:2]]
    return enumerate(offered[:4])


def _spread(names, turn: int) -> dict:
    """Hostile values spread over the names, a different one for each name and each turn."""
    values = sweep.HOSTILE_VALUES
    return {
        name: _for_field(name, values[(turn * 5 + index) % len(values)]) for index, name in enumerate(names)
    }


def _refused(response) -> bool:
    """The visitor is turned away before the view does anything (signed out, second factor, permission)."""
    if response is None:
        return False
    if response.status_code == 403:
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return location.startswith(("/admin/login/", "/account/two-factor/"))


def _brief(data) -> str:
    if not data:
        return ""
    text = repr(data)
    return text if len(text) < 200 else text[:200] + "…"


def _route_params():
    for route in ROUTES:
        for role in ROLES:
            if role == "least privileged" and not route.staff:
                continue  # staff see the public pages as the most privileged member does
            yield pytest.param(route, role, id=f"{route.name or route.route}|{role}")


def _tier(route: sweep.Route, role: str) -> str:
    """THOROUGH for Beacon's own views, LIGHT for Wagtail's views configured by Beacon, GETS for Wagtail's own
    admin screens, as the visitor they are for (the public; in the admin, staff who may do everything); GLANCE
    for the others (the admin signed out or for a lesser role, mostly refusals; a public page seen by staff) and
    for a listing's results view."""
    ours = route.beacon_code or route.name == "wagtail_serve"
    if route.wagtail_admin:
        return (
            GETS
            if role == _main_role(route) and route not in SAMPLED_OUT and not route.name.endswith(RESULTS)
            else GLANCE
        )
    if route.name in sweep.SIGN_IN and role == "most privileged":
        return LIGHT  # a member of staff already signed in, sent back to sign in (with a `next`)
    if role != _main_role(route) or route.name.endswith(RESULTS) or route in SAMPLED_OUT:
        return GLANCE
    return THOROUGH if ours else LIGHT


# Wagtail's listings answer their filters' and pages' requests with a view of their own that shows the results
# alone: the same view class as the listing (swept in full), so these get a glance.
RESULTS = "_results"


# Wagtail's history and usage views are the same code for every viewset, whatever its model: LIGHT for the
# first of Beacon's viewsets', a glance for the others' (Wagtail's own included).
SAMPLED = (":history", ":usage")
SAMPLED_OUT = {
    route
    for kind in SAMPLED
    for route in sorted(
        [r for r in ROUTES if r.name.endswith(kind) and not r.beacon_code], key=lambda r: r.wagtail_admin
    )[1:]
}


def _main_role(route: sweep.Route) -> str:
    return "most privileged" if route.staff else "anonymous"


@pytest.fixture(autouse=True)
def _no_template_capture(monkeypatch):
    """The test client keeps a copy of every template context it renders (for response.context), which the
    sweep never reads: an admin page renders hundreds of templates."""
    monkeypatch.setattr("django.test.client.store_rendered_templates", lambda *args, **kwargs: None)


@pytest.fixture(autouse=True)
def _fresh_caches():
    for name in ("default", "pages"):
        caches[name].clear()
    throttle_cache.clear()
    yield
    throttle_cache.clear()


@pytest.mark.parametrize(("route", "role"), list(_route_params()))
def test_no_request_yields_a_500(route, role, world, db):
    sweeper = Sweeper(
        _client(role, route, world), route, role, _tier(route, role), world.fields.get(route.name, {})
    )
    for target in _targets(route, world):
        if target.explore:
            sweeper.explore(target.url)
        else:
            sweeper.probe(target)
    if sweeper.failures:
        summary = "\n".join(sweeper.failures[:30])
        raise AssertionError(
            f"{len(sweeper.failures)} of {sweeper.count} requests to {route.id} as {role} failed:\n{summary}"
        ) from sweeper.first_error


def test_every_route_is_swept_or_excluded_on_purpose():
    unaccounted = [r.id + f" ({r.module})" for r in sweep.all_routes() if not r.swept and r.exclusion is None]
    assert not unaccounted, "Sweep these routes, or add them to sweep.EXCLUDED with a reason:\n" + "\n".join(
        unaccounted
    )
    # Nothing of Beacon's is excluded by an entry meant for Wagtail's or Django's own screens.
    assert not [r for r in sweep.all_routes() if r.module.startswith("beacon.") and not r.swept]


def test_a_route_listed_as_shadowed_is_answered_by_another():
    """A shadowed route is not swept: once nothing answers its address first, it must be swept again."""
    routes = {route.key: route for route in sweep.all_routes()}
    for key in sweep.SHADOWED:
        route = routes[key]
        names = sweep.parameters(route)
        url = reverse(
            route.name, kwargs={name: sweep.sentinel(route, name, i) for i, name in enumerate(names)}
        )
        assert resolve(url).func is not route.callback, f"{route.id} is not shadowed: sweep it"


def test_wagtails_admin_requests_that_gave_a_500_are_answered(world, db):
    """What the sweep found giving a superuser a 500 on Wagtail's own admin screens (before beacon/core/admin_urls.py
    answered them), and the same screens given sound values."""
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["most privileged"]
    page, revision = world.admin_ids["page"]["pk"], world.admin_ids["page"]["revision"]
    parent = Page.objects.get(pk=page).get_parent().pk
    document = get_document_model().objects.order_by("pk").first().pk
    image = world.admin_ids["image"]
    bulk = "/admin/bulk/wagtailcore/page/publish/"
    for url, status in [
        (f"{bulk}?id=%C2%B2", 404),  # ValueError
        (f"{bulk}?id={page}&id=abc", 404),
        (f"{bulk}?id=all&childOf=abc", 404),  # ValueError
        (f"{bulk}?id=all&childOf={sweep.MISSING_ID}", 404),  # Page.DoesNotExist
        (f"{bulk}?id=all&childOf=0", 404),
        (f"/admin/pages/{page}/revisions/0/revert/", 404),  # AttributeError: revision 0 is "none"
        (f"/admin/pages/{page}/revisions/000/revert/", 404),
        ("/admin/documents/chooser/chosen/abc/", 404),  # ValueError
        ("/admin/images/chooser/chosen/%C2%B2/", 404),  # ValueError
        # Sound values: as Wagtail answers them.
        (f"{bulk}?id={page}", 200),
        (f"{bulk}?id=all&childOf={parent}", 200),
        (f"/admin/pages/{page}/revisions/{revision}/revert/", 200),
        (f"/admin/documents/chooser/chosen/{document}/", 200),
        (f"/admin/images/chooser/chosen/{image}/", 200),
    ]:
        assert client.get(url).status_code == status, url
    # The root page (AttributeError: it has no parent) is never chosen; other pages are, as before.
    chosen = client.get("/admin/choose-page/chosen-multiple/", {"id": [1, page]})
    assert chosen.status_code == 200
    assert [result["id"] for result in chosen.json()["result"]] == [page]
