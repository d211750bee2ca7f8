"""A Q&A session page names its host only while the officer's profile is published (content snippets go through
the campaign approval workflow: an unpublished or not yet approved officer is not shown to the public)."""

import pytest

from beacon.content.models import Officer

pytestmark = pytest.mark.django_db


def test_a_session_names_its_host_only_while_the_officer_is_published(client, make_session):
    host = Officer.objects.create(rank="Inspector", name="Ada Brook", role="Neighbourhood Inspector")
    session = make_session(host=host)
    assert "Inspector Ada Brook" in client.get(session.get_absolute_url()).content.decode()
    host.unpublish()
    body = client.get(session.get_absolute_url()).content.decode()
    assert "Ada Brook" not in body and "Answering your questions" not in body
