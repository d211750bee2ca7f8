"""The search box of the snippet listings (themes, officers, support services): on SQLite, a search through
the search index limited to the viewset's fields was a 500 ("no such column: name") for any word."""

import pytest

from beacon.accounts import roles


@pytest.fixture
def editor_client(tree, make_staff, staff_client):
    return staff_client(make_staff(roles.CAMPAIGN_EDITOR))


@pytest.mark.parametrize(
    ("listing", "query", "found"),
    [
        ("theme", "knife", "Knife crime"),
        ("officer", "Ada", "Ada Brook"),
        ("officer", "neighbourhood insp", "Ada Brook"),  # the role, a field the index has no column for
        ("supportservice", "young people", "Childline"),  # the description
    ],
)
def test_searching_a_snippet_listing_finds_by_its_fields(editor_client, listing, query, found):
    response = editor_client.get(f"/admin/snippets/content/{listing}/", {"q": query})
    assert response.status_code == 200
    assert found in response.content.decode()


@pytest.mark.parametrize("query", ["\u00b2", "-1", "0001-01-01", "a" * 300, '"unclosed'])
def test_odd_searches_find_nothing_without_an_error(editor_client, query):
    response = editor_client.get("/admin/snippets/content/theme/", {"q": query})
    assert response.status_code == 200
