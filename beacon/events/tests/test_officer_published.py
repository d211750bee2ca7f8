"""An event page names its officer only while the officer's profile is published (content snippets go through
the campaign approval workflow: an unpublished or not yet approved officer is not shown to the public)."""

import pytest

from beacon.content.models import Officer

pytestmark = pytest.mark.django_db


def test_an_event_names_its_officer_only_while_the_officer_is_published(client, make_event):
    officer = Officer.objects.create(rank="PC", name="Hannah Lowe", role="Neighbourhood Officer")
    event = make_event(officer=officer)
    assert "PC Hannah Lowe" in client.get(event.get_absolute_url()).content.decode()
    officer.unpublish()
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Hannah Lowe" not in body and ">Officer<" not in body
