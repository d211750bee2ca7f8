"""Normalising what reporters type about places, vehicles, numbers, accounts and people.

Each normaliser returns the canonical form that is sealed into the report and, for full identifiers,
turned into a blind index (`crypto.blind_index(kind, normalised)`) so that triage can link reports.
They raise `ValidationError` with a plain-English message when the value cannot be one.
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError

# --- Postcodes ---------------------------------------------------------------------------------------

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_POSTCODE_RE = re.compile(rf"^({_OUTWARD})([0-9][ABD-HJLNP-UW-Z]{{2}})$")
_OUTWARD_RE = re.compile(rf"^{_OUTWARD}$")


@dataclass(frozen=True)
class Postcode:
    full: str  # "NN1 1AF", or "" when only the district was given
    district: str  # "NN1"


def postcode_normalise(value: str) -> Postcode:
    """A full UK postcode ("nn11af" -> "NN1 1AF") or just its district ("nn1" -> "NN1")."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not compact:
        raise ValidationError("Enter a postcode")
    match = _POSTCODE_RE.match(compact)
    if match:
        return Postcode(full=f"{match.group(1)} {match.group(2)}", district=match.group(1))
    if _OUTWARD_RE.match(compact):
        return Postcode(full="", district=compact)
    raise ValidationError("Enter a real postcode, like NN1 1AF, or just the first part, like NN1")


# --- Vehicle registrations ---------------------------------------------------------------------------

_REGISTRATION_FORMATS = [
    re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$"),  # current, since 2001: AB12 CDE
    re.compile(r"^[A-Z][0-9]{1,3}[A-Z]{3}$"),  # prefix, 1983-2001: A123 BCD
    re.compile(r"^[A-Z]{3}[0-9]{1,3}[A-Z]$"),  # suffix, 1963-1983: ABC 123D
    re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$"),  # dateless: ABC 1234
    re.compile(r"^[0-9]{1,4}[A-Z]{1,3}$"),  # dateless, reversed: 1234 ABC
]
_REGISTRATION_CHARS = re.compile(r"^[A-Z0-9?]{1,8}$")


@dataclass(frozen=True)
class Registration:
    value: str  # upper case, no spaces; "?" marks a character the reporter did not see
    partial: bool


def registration_normalise(value: str) -> Registration:
    compact = re.sub(r"[\s\-]+", "", value or "").upper().replace("*", "?")
    if not compact:
        raise ValidationError("Enter the registration, or the part of it you saw")
    if not _REGISTRATION_CHARS.match(compact):
        raise ValidationError(
            "A registration can only include letters and numbers. Use ? for a character you did not see"
        )
    full = "?" not in compact and any(pattern.match(compact) for pattern in _REGISTRATION_FORMATS)
    return Registration(value=compact, partial=not full)


# --- Phone numbers -----------------------------------------------------------------------------------

# Ofcom keeps 07700 900000 to 900999 for drama and examples. phonenumbers calls them invalid; Beacon
# accepts them so that demo data and tests never use a number that could be someone's.
_DRAMA_RANGE = re.compile(r"^\+447700900[0-9]{3}$")


def phone_normalise(value: str) -> str:
    """E.164, UK by default: "07700 900123" -> "+447700900123"."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("Enter a phone number")
    message = "Enter a phone number, like 07700 900 982 or +44 7700 900 982"
    if len(text) > 40 or not re.fullmatch(r"[0-9+()\-.\s]+", text):
        raise ValidationError(message)
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        raise ValidationError(message) from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number) or _DRAMA_RANGE.match(e164):
        return e164
    raise ValidationError(message)


def phone_display(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- Online accounts ---------------------------------------------------------------------------------

PLATFORM_CHOICES = [
    ("snapchat", "Snapchat"),
    ("instagram", "Instagram"),
    ("tiktok", "TikTok"),
    ("whatsapp", "WhatsApp"),
    ("telegram", "Telegram"),
    ("facebook", "Facebook"),
    ("x", "X (Twitter)"),
    ("youtube", "YouTube"),
    ("discord", "Discord"),
    ("other", "Another app or website"),
]
PLATFORM_CODES = {code for code, _ in PLATFORM_CHOICES}


def handle_normalise(*, platform: str, handle: str) -> str:
    """ "instagram", "@Some.Name " -> "instagram:some.name"."""
    if platform not in PLATFORM_CODES:
        raise ValidationError("Select the app or website")
    name = re.sub(r"\s+", "", handle or "").lstrip("@").lower()
    if not name:
        raise ValidationError("Enter the username or account name")
    if len(name) > 100:
        raise ValidationError("The username must be 100 characters or fewer")
    return f"{platform}:{name}"


# --- Names -------------------------------------------------------------------------------------------


def name_normalise(value: str) -> str:
    """Lower case with single spaces: "  Big   Dave " -> "big dave"."""
    return " ".join((value or "").split()).lower()
