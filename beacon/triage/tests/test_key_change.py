"""Changing the report key pair or the blind-index key (docs/deploy.md, "Changing the keys").

With a new pair, BEACON_REPORT_PRIVATE_KEY names the new private key first and the old one after it: everything
stored stays readable, new content is sealed to the new pair, and `manage.py reports_rekey` seals the old content
again until `reports_rekey --check` says the old key may be destroyed. A new blind-index key needs the indexes
written again (`reports_rekey --blind-indexes`) for reports to go on being linked.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from nacl.exceptions import CryptoError

from beacon.core.models import AuditEvent
from beacon.reporting import crypto, selectors
from beacon.reporting.models import Report, ReportIdentifier, ReportMessage
from beacon.reporting.selectors import report_attachment_file, report_content, sealed_columns
from beacon.reporting.services import pending_token_new, pending_upload_add, report_message_add
from beacon.reporting.tests.conftest import image_bytes
from beacon.triage import services
from beacon.triage.models import ReportLink

from .test_sealed_notes import NOTES, _record_every_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(make_staff):
    return make_staff(superuser=True)


def _values() -> list[tuple[str, bytes]]:
    """(model label, value) for every value in every sealed column (empty ones, "nothing written", left out)."""
    return [
        (model._meta.label, bytes(value))
        for model, fields in sealed_columns()
        for values in model.objects.values_list(*fields)
        for value in values
        if value
    ]


def _rekey(*args) -> str:
    out = io.StringIO()
    call_command("reports_rekey", *args, stdout=out)
    return out.getvalue()


def _everything_sealed(submit, boss, staff_client):
    """A report with a child, a question and a reply with a photo, every staff note, and a file held for a journey
    not yet sent: a row in every sealed column there is."""
    report = submit(
        categories=["child_exploitation"],
        people=[{"name": "Jaylen Mercer", "age": "14", "description": "", "is_child": True}],
    )
    services.followup_question_send(user=boss, report=report, text="Which door do they use?")
    report_message_add(
        report=report,
        direction=ReportMessage.Direction.FROM_REPORTER,
        text="The side door, by the bins.",
        files=[("door.jpg", image_bytes())],
    )
    _record_every_note(staff_client(boss), report)
    pending_upload_add(token=pending_token_new(), file=("car.png", image_bytes("PNG")))
    assert {model._meta.label for model, _ in sealed_columns()} == {
        "reporting.Report",
        "reporting.ReportMessage",
        "reporting.ReportAttachment",
        "reporting.PendingUpload",
        "triage.Assessment",
        "triage.Grading",
        "triage.SafeguardingDecision",
        "triage.Outcome",
    }
    for model, fields in sealed_columns():  # every sealed column holds something to seal again
        for field in fields:
            assert model.objects.exclude(**{field: b""}).exists(), f"{model._meta.label}.{field}"
    return report


def test_a_new_key_pair_reads_what_the_old_one_sealed_and_reports_rekey_seals_it_all_again(
    submit, boss, staff_client, settings
):
    report = _everything_sealed(submit, boss, staff_client)
    old = settings.BEACON_REPORT_PRIVATE_KEY
    before = {crypto.unseal(value) for _, value in _values()}
    new = crypto.generate_keys()
    settings.BEACON_REPORT_PUBLIC_KEY = new["BEACON_REPORT_PUBLIC_KEY"]
    settings.BEACON_REPORT_PRIVATE_KEY = f"{new['BEACON_REPORT_PRIVATE_KEY']}, {old}"

    # Mid-change: the old content still opens, the staff page shows it, and new content goes to the new pair.
    assert report_content(report=report)["people"][0]["name"] == "Jaylen Mercer"
    page = staff_client(boss).get(f"/admin/triage/reports/{report.pk}/")
    assert page.status_code == 200 and NOTES["threat"] in page.content.decode()
    newer = submit(details="A second report, after the change.")
    assert crypto.sealed_to_current(Report.objects.get(pk=newer.pk).sealed)

    with pytest.raises(CommandError, match="need the older keys"):
        _rekey("--check")
    stored = _values()
    older = sum(1 for _, value in stored if not crypto.sealed_to_current(value))
    assert older == len(stored) - 1  # all but the newer report

    assert f"Sealed {older} value(s) again to the current key pair." in _rekey()
    assert "older keys may be removed" in _rekey("--check")
    assert "Sealed 0 value(s) again" in _rekey()  # a second run changes nothing
    assert AuditEvent.objects.filter(action="keys.reseal").count() == 2

    # The old key can go: the new one alone opens everything, the same content as before; the old one nothing.
    settings.BEACON_REPORT_PRIVATE_KEY = new["BEACON_REPORT_PRIVATE_KEY"]
    after = [crypto.unseal(value) for _, value in _values()]
    assert before < set(after) and len(after) == len(stored)
    page = staff_client(boss).get(f"/admin/triage/reports/{report.pk}/")
    assert page.status_code == 200 and NOTES["reason"] in page.content.decode()
    attachment = report.attachments.get()
    assert report_attachment_file(attachment=attachment)[2][:3] == b"\xff\xd8\xff"  # still the JPEG
    settings.BEACON_REPORT_PRIVATE_KEY = old
    for _, value in _values():
        with pytest.raises(CryptoError):
            crypto.unseal(value)


def test_reports_rekey_refuses_a_public_key_that_is_not_the_first_private_keys_pair_and_a_missing_old_key(
    submit, settings
):
    report = submit()
    old = settings.BEACON_REPORT_PRIVATE_KEY
    sealed = bytes(Report.objects.get(pk=report.pk).sealed)
    stranger = crypto.generate_keys()
    settings.BEACON_REPORT_PUBLIC_KEY = stranger[
        "BEACON_REPORT_PUBLIC_KEY"
    ]  # the old private key still first
    with pytest.raises(CommandError, match="is not the pair of BEACON_REPORT_PUBLIC_KEY"):
        _rekey()
    for nothing in (
        ",",
        " , ",
    ):  # a "NEW,OLD" with both left out: no key at all, not a key that opens nothing
        settings.BEACON_REPORT_PRIVATE_KEY = nothing
        with pytest.raises(CommandError, match="run this in the back office"):
            _rekey()
        assert crypto.key_pair_problem(settings.BEACON_REPORT_PUBLIC_KEY, nothing).endswith(
            "names no key: give the private key, or leave it empty."
        )

    # The new pair, but the old private key forgotten: a report made now is sealed again (nothing to do), the old
    # one cannot be and is named, by its id only; nothing is lost.
    settings.BEACON_REPORT_PRIVATE_KEY = stranger["BEACON_REPORT_PRIVATE_KEY"]
    newer = submit(details="After the change.")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 sealed value.*sealed to none of the 1 key"):
        call_command("reports_rekey", stdout=out)
    assert f"Not opened: reporting.Report id {report.pk}, sealed" in out.getvalue()
    assert "Cars come and go" not in out.getvalue()
    assert bytes(Report.objects.get(pk=report.pk).sealed) == sealed
    assert report_content(report=Report.objects.get(pk=newer.pk))["details"] == "After the change."
    settings.BEACON_REPORT_PRIVATE_KEY = f"{stranger['BEACON_REPORT_PRIVATE_KEY']} {old}"
    _rekey()
    settings.BEACON_REPORT_PRIVATE_KEY = stranger["BEACON_REPORT_PRIVATE_KEY"]
    assert report_content(report=Report.objects.get(pk=report.pk))["details"] == "Cars come and go all night."

    settings.BEACON_REPORT_PRIVATE_KEY = ""  # a public web server
    with pytest.raises(CommandError, match="run this in the back office"):
        _rekey()


def test_a_new_blind_index_key_links_reports_again_once_reports_rekey_has_written_the_indexes_again(
    submit, settings, monkeypatch
):
    first, second = submit(), submit()
    assert ReportLink.objects.count() == 1  # the phone, registration and postcode they share
    old_phone = crypto.blind_index("phone", "+447700900123")
    # A worker wrote the second one's indexes and stopped before marking it indexed: its task will run again.
    Report.objects.filter(pk=second.pk).update(indexed_at=None)
    settings.BEACON_BLIND_INDEX_KEY = crypto.generate_keys()["BEACON_BLIND_INDEX_KEY"]

    # A worker left running indexes a new report while the command is on its first report: it is checked for
    # links while the others' indexes are still under the old key, and finds none.
    monkeypatch.setattr(selectors, "SEALED_BATCH", 1)
    real, meanwhile, running = crypto.blind_index, [], []

    def blind_index(kind, value):
        # Once, at the command's first digest (the worker's own digests come through here too).
        if not running:
            running.append(True)
            meanwhile.append(submit())
            assert ReportLink.objects.filter(high_id=meanwhile[0].pk).count() == 0
        return real(kind, value)

    monkeypatch.setattr(crypto, "blind_index", blind_index)
    out = _rekey("--blind-indexes")
    monkeypatch.setattr(crypto, "blind_index", real)
    assert "Wrote the blind indexes of 3 report(s) again" in out and "linked 1 report(s)" in out
    [late] = meanwhile
    phone = crypto.blind_index("phone", "+447700900123")
    assert set(ReportIdentifier.objects.filter(kind="phone").values_list("report_id", "digest")) == {
        (first.pk, phone),
        (second.pk, phone),
        (late.pk, phone),
    }
    assert not ReportIdentifier.objects.filter(
        digest=old_phone
    ).exists()  # no digest under the old key is left
    assert set(ReportLink.objects.values_list("low_id", "high_id")) == {
        (first.pk, second.pk),
        (first.pk, late.pk),
        (second.pk, late.pk),
    }
    later = submit()
    assert ReportLink.objects.filter(high_id=later.pk).count() == 3


def test_content_sealed_to_a_key_the_back_office_lacks_gives_a_page_that_says_so(
    submit, boss, staff_client, settings, caplog
):
    """The old private key taken out too early, or a backup from before a key change restored: staff get a page
    that says what to do, never a server error, and the log names the page, never what it holds."""
    own = settings.BEACON_REPORT_PUBLIC_KEY
    settings.BEACON_REPORT_PUBLIC_KEY = crypto.generate_keys()["BEACON_REPORT_PUBLIC_KEY"]
    report = submit(details="A blue door, every night.")
    report_message_add(
        report=report,
        direction=ReportMessage.Direction.FROM_REPORTER,
        text="The side door.",
        files=[("door.jpg", image_bytes())],
    )
    settings.BEACON_REPORT_PUBLIC_KEY = own
    client = staff_client(boss)
    attachment = report.attachments.get()
    for url in [
        f"/admin/triage/reports/{report.pk}/",
        f"/admin/triage/reports/{report.pk}/files/{attachment.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 503, url
        text = " ".join(response.content.decode().split())
        assert "it was sealed with a report key that this server does not hold" in text
        assert "Nothing has been changed or lost." in text and "reports_rekey --check" in text
        assert f"GET {url}: sealed content that no key in BEACON_REPORT_PRIVATE_KEY opens" in caplog.text
    assert "blue door" not in caplog.text and "side door" not in caplog.text
