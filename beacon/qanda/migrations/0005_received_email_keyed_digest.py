"""Message-ID digests are now keyed (HMAC with the site's secret key) instead of a plain SHA-256.

The digests already stored cannot be rehashed: the Message-IDs they were made from are not kept. Nor can they
serve again: a message read again is now compared by its keyed digest, which never equals an old one. So they
are cleared; each was only a way to match the sender's copy of an email to its record and its question.
(The records themselves go once they are ReceivedEmail.KEEP_DAYS old, with the next `qanda_purge`.)
Reversing the migration leaves the digests cleared."""

from django.db import migrations


def clear_unkeyed_digests(apps, schema_editor):
    apps.get_model("qanda", "ReceivedEmail").objects.exclude(message_id_digest="").update(
        message_id_digest=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("qanda", "0004_received_email_failed"),
    ]

    operations = [
        migrations.RunPython(clear_unkeyed_digests, migrations.RunPython.noop),
    ]
