"""A `next` that is not a path on this site is dropped before any view sees it: Wagtail's views passed a bare
word such as "-1" to redirect(), which looked it up as a URL name and failed with a 500."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.models import Page

from beacon.accounts import roles
from beacon.core.demo import ensure_wagtail_roots
from beacon.core.middleware import LocalNextMiddleware

HOSTILE = ["-1", "\u00b2", "admin", "9" * 400, "https://evil.example/", "//evil.example/"]


def _seen(request):
    response = HttpResponse()
    response.seen = request
    return response


@pytest.mark.parametrize("value", HOSTILE)
def test_a_next_that_is_not_a_local_path_is_dropped(value):
    middleware = LocalNextMiddleware(_seen)
    get = middleware(RequestFactory().get("/admin/login/", {"next": value, "q": "kept"})).seen
    assert "next" not in get.GET and get.GET["q"] == "kept"
    post = middleware(RequestFactory().post("/admin/pages/3/lock/", {"next": value, "a": "b"})).seen
    assert "next" not in post.POST and post.POST["a"] == "b"


def test_a_local_next_is_kept_and_public_form_bodies_are_not_read():
    middleware = LocalNextMiddleware(_seen)
    assert middleware(RequestFactory().get("/admin/login/", {"next": "/admin/pages/"})).seen.GET["next"]
    kept = middleware(RequestFactory().post("/admin/pages/3/lock/", {"next": "/admin/pages/"})).seen
    assert kept.POST["next"] == "/admin/pages/"
    public = middleware(RequestFactory().post("/report/details/", {"next": "-1"})).seen
    assert not public._read_started  # a public form's body is size-checked by its view before it is read


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-1", "\u00b2"])
def test_wagtail_views_given_a_bare_word_as_next_go_where_they_would_anyway(value, make_staff, staff_client):
    client = staff_client(make_staff(roles.ADMINISTRATOR, superuser=True))
    signed_in = client.get("/admin/login/", {"next": value})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    ensure_wagtail_roots()
    page = Page.get_first_root_node().add_child(instance=Page(title="Locked", slug="locked"))
    locked = client.post(f"/admin/pages/{page.pk}/lock/", {"next": value})
    assert locked.status_code == 302
    assert Page.objects.get(pk=page.pk).locked
