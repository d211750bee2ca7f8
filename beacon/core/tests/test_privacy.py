"""The privacy notice says who holds the information, on what basis, and how to use one's rights: to whom to
write, and where to complain."""

import re


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_privacy_notice_names_the_controller_its_basis_and_whom_to_contact(client, settings):
    settings.BEACON_FORCE_NAME = "Example Valley Police"
    settings.BEACON_DATA_PROTECTION_EMAIL = "dpo@example-valley.police.uk"
    response = client.get("/privacy/")
    assert response.status_code == 200
    body = response.content.decode()
    text = text_of(response)
    assert "Example Valley Police is the controller" in text
    assert 'href="mailto:dpo@example-valley.police.uk"' in body
    assert "Part 3 of the Data Protection Act 2018" in text  # reports: law enforcement processing
    assert "Article 6(1)(e) of the UK GDPR" in text  # workshops, Q&A: a public task
    assert 'href="https://ico.org.uk/make-a-complaint/"' in body
    # An anonymous report cannot be found from a name, and the notice says so rather than promise otherwise.
    assert "we cannot find an anonymous report from your name" in text
