import pytest
from django.core.exceptions import ValidationError

from beacon.reporting import identifiers


@pytest.mark.parametrize(
    ("typed", "full", "district"),
    [
        ("nn1 1af", "NN1 1AF", "NN1"),
        ("NN11AF", "NN1 1AF", "NN1"),
        ("  nn8   4aa ", "NN8 4AA", "NN8"),
        ("ec1a1bb", "EC1A 1BB", "EC1A"),
        ("nn1", "", "NN1"),
        ("W1A", "", "W1A"),
    ],
)
def test_postcodes_are_normalised(typed, full, district):
    postcode = identifiers.postcode_normalise(typed)
    assert (postcode.full, postcode.district) == (full, district)


@pytest.mark.parametrize("typed", ["NN1 1CF", "12345", "ABC DEF", "NN1 1AF; DROP TABLE", "<script>", "N"])
def test_bad_postcodes_are_refused(typed):
    with pytest.raises(ValidationError):
        identifiers.postcode_normalise(typed)


@pytest.mark.parametrize(
    ("typed", "value", "partial"),
    [
        ("ab12 cde", "AB12CDE", False),  # current
        ("A123 BCD", "A123BCD", False),  # prefix
        ("abc 123d", "ABC123D", False),  # suffix
        ("ABC 1234", "ABC1234", False),  # dateless
        ("1234 AB", "1234AB", False),  # dateless, reversed
        ("AB12", "AB12", False),  # also a valid dateless mark
        ("ab1? cd?", "AB1?CD?", True),  # part seen
        ("AB12 C", "AB12C", True),  # fits no format: kept as given and marked partial
        ("ab-12-cde", "AB12CDE", False),
    ],
)
def test_registrations_are_normalised(typed, value, partial):
    registration = identifiers.registration_normalise(typed)
    assert (registration.value, registration.partial) == (value, partial)


@pytest.mark.parametrize("typed", ["", "AB12 CDE!", "ABCDEFGHIJ", "<b>"])
def test_bad_registrations_are_refused(typed):
    with pytest.raises(ValidationError):
        identifiers.registration_normalise(typed)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900 123", "+447700900123"),
        ("(01604) 123456", "+441604123456"),
        ("+1 202 555 0123", "+12025550123"),
    ],
)
def test_phone_numbers_become_e164(typed, e164):
    assert identifiers.phone_normalise(typed) == e164


@pytest.mark.parametrize("typed", ["12345", "call me", "0770090012", "07700 900123 ext 5; rm -rf", "+" * 50])
def test_bad_phone_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        identifiers.phone_normalise(typed)


def test_handles_and_names():
    assert identifiers.handle_normalise(platform="instagram", handle=" @Some.Name ") == "instagram:some.name"
    with pytest.raises(ValidationError):
        identifiers.handle_normalise(platform="myspace", handle="x")
    assert identifiers.name_normalise("  Big   DAVE ") == "big dave"
    assert identifiers.phone_display("+447700900123") == "07700 900123"
