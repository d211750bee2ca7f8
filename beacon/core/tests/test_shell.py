import pytest


@pytest.mark.django_db
def test_home_page_carries_the_safety_shell(client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/leave"' in body
    assert "Leave this site" in body
    assert 'href="/feedback/"' in body
    assert "tel:999" in body and "tel:101" in body
