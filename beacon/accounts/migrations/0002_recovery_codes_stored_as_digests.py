"""Recovery codes issued before this release were stored as typed: keep only their digests from now on."""

import re

from django.db import migrations
from django.utils.crypto import salted_hmac

DIGEST = re.compile(r"^[0-9a-f]{16}$")


def digest(code: str) -> str:
    # The same as beacon.accounts.services.recovery_code_digest at the time of writing.
    normalised = code.replace(" ", "").replace("-", "").strip().lower()
    return salted_hmac("beacon.accounts.recovery-code", normalised, algorithm="sha256").hexdigest()[:16]


def forwards(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all():
        if not DIGEST.match(token.token):  # codes were 10 letters and digits, never 16 hex characters
            token.token = digest(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
