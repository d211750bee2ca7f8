"""`manage.py beacon_keys`: the keys that protect reports, printed or written to an env file."""

import base64
import io
import stat

import environ
import pytest
from django.core.management import call_command
from nacl.exceptions import CryptoError

from beacon.reporting import crypto

PUBLIC = ["BEACON_REPORT_PUBLIC_KEY", "BEACON_RECEIPT_KEY"]
BACK_OFFICE = ["BEACON_REPORT_PRIVATE_KEY", "BEACON_BLIND_INDEX_KEY"]
NAMES = PUBLIC + BACK_OFFICE


def _lines(text: str) -> dict[str, str]:
    """The keys, checking that the public side's come first and the back office's after a heading of their own."""
    lines = text.splitlines()
    assert lines[0] == "# Every process, the public web servers included:"
    assert (
        lines[3].startswith("# The back office only")
        and "Never give these to a public web server" in lines[3]
    )
    pairs = [line.split("=", 1) for line in lines if not line.startswith("#")]
    assert [name for name, _ in pairs] == NAMES
    assert [line.split("=")[0] for line in lines[1:3]] == PUBLIC
    return dict(pairs)


def _opens_what_it_seals(settings, keys: dict[str, str]) -> None:
    """The public key seals what the private key (and only it) opens; the blind-index key is usable."""
    for name, value in keys.items():
        assert len(base64.b64decode(value, validate=True)) == 32, name
    settings.BEACON_REPORT_PUBLIC_KEY = keys["BEACON_REPORT_PUBLIC_KEY"]
    settings.BEACON_REPORT_PRIVATE_KEY = keys["BEACON_REPORT_PRIVATE_KEY"]
    settings.BEACON_BLIND_INDEX_KEY = keys["BEACON_BLIND_INDEX_KEY"]
    settings.BEACON_RECEIPT_KEY = keys["BEACON_RECEIPT_KEY"]
    sealed = crypto.seal(b"a blue door at midnight")
    assert b"blue door" not in sealed
    assert crypto.unseal(sealed) == b"a blue door at midnight"
    assert len(crypto.blind_index("phone", "+447700900123")) == 64
    # The receipt key is a key of its own: a receipt's digest is not the blind index of the same text.
    assert crypto.receipt_digest("HX4R9CWTM2KD7PQEB3NF") != crypto.blind_index(
        "receipt", "HX4R9CWTM2KD7PQEB3NF"
    )
    settings.BEACON_REPORT_PRIVATE_KEY = crypto.generate_keys()["BEACON_REPORT_PRIVATE_KEY"]
    with pytest.raises(CryptoError):
        crypto.unseal(sealed)


def test_beacon_keys_prints_a_new_working_key_set_each_time(settings):
    first, second = io.StringIO(), io.StringIO()
    call_command("beacon_keys", stdout=first)
    call_command("beacon_keys", stdout=second)
    keys = _lines(first.getvalue())
    assert set(keys.values()).isdisjoint(_lines(second.getvalue()).values())
    _opens_what_it_seals(settings, keys)


def test_beacon_keys_writes_an_env_file_only_its_owner_can_read_and_never_overwrites_it(
    settings, tmp_path, monkeypatch
):
    path = tmp_path / "var" / "beacon-keys.env"  # the folder is made too
    out = io.StringIO()
    call_command("beacon_keys", "--env-file", str(path), stdout=out)
    assert f"Wrote development report keys to {path}" in out.getvalue()
    assert "KEY=" not in out.getvalue()  # the keys went to the file, not the terminal
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    written = path.read_text()
    # Read as config/settings/base.py reads it (django-environ), into a mapping of its own, not os.environ.
    read: dict[str, str] = {}
    monkeypatch.setattr(environ.Env, "ENVIRON", read)
    environ.Env.read_env(path)
    assert read == _lines(written)
    _opens_what_it_seals(settings, read)
    again = io.StringIO()
    call_command("beacon_keys", "--env-file", str(path), stdout=again)
    assert f"Keeping the existing keys in {path}" in again.getvalue()
    assert path.read_text() == written


def test_beacon_keys_adds_a_key_a_development_file_lacks_and_keeps_the_rest(tmp_path, monkeypatch):
    """var/beacon-keys.env made by an earlier release has no BEACON_RECEIPT_KEY: make run adds one, and keeps the
    keys it has (the reports already sealed with them stay readable)."""
    old = crypto.generate_keys()
    path = tmp_path / "beacon-keys.env"
    path.write_text("".join(f"{name}={old[name]}\n" for name in NAMES if name != "BEACON_RECEIPT_KEY"))
    out = io.StringIO()
    call_command("beacon_keys", "--env-file", str(path), stdout=out)
    assert "added BEACON_RECEIPT_KEY" in out.getvalue()
    read: dict[str, str] = {}
    monkeypatch.setattr(environ.Env, "ENVIRON", read)
    environ.Env.read_env(path)
    assert sorted(read) == sorted(NAMES)
    assert {name: read[name] for name in NAMES if name != "BEACON_RECEIPT_KEY"} == {
        name: old[name] for name in NAMES if name != "BEACON_RECEIPT_KEY"
    }
    assert len(base64.b64decode(read["BEACON_RECEIPT_KEY"], validate=True)) == 32


def test_the_private_key_setting_may_name_older_keys_after_the_current_one(settings):
    old, new = crypto.generate_keys(), crypto.generate_keys()
    settings.BEACON_REPORT_PUBLIC_KEY = old["BEACON_REPORT_PUBLIC_KEY"]
    sealed_to_old = crypto.seal(b"sealed before the change")
    settings.BEACON_REPORT_PUBLIC_KEY = new["BEACON_REPORT_PUBLIC_KEY"]
    sealed_to_new = crypto.seal(b"sealed after the change")
    for separated in (", ", ",", " ", "\n"):
        settings.BEACON_REPORT_PRIVATE_KEY = separated.join(
            [new["BEACON_REPORT_PRIVATE_KEY"], old["BEACON_REPORT_PRIVATE_KEY"]]
        )
        assert crypto.unseal(sealed_to_old) == b"sealed before the change"
        assert crypto.unseal(sealed_to_new) == b"sealed after the change"
        assert not crypto.sealed_to_current(sealed_to_old) and crypto.sealed_to_current(sealed_to_new)
        assert crypto.reseal(sealed_to_new) is None
        assert (
            crypto.key_pair_problem(settings.BEACON_REPORT_PUBLIC_KEY, settings.BEACON_REPORT_PRIVATE_KEY)
            is None
        )
    resealed = crypto.reseal(sealed_to_old)
    settings.BEACON_REPORT_PRIVATE_KEY = new["BEACON_REPORT_PRIVATE_KEY"]
    assert crypto.unseal(resealed) == b"sealed before the change"
    with pytest.raises(CryptoError):
        crypto.unseal(sealed_to_old)  # the old key is gone: what was not sealed again is lost
    # The current key must come first: the other way round, new content would go to a key read second.
    problem = crypto.key_pair_problem(
        new["BEACON_REPORT_PUBLIC_KEY"],
        f"{old['BEACON_REPORT_PRIVATE_KEY']},{new['BEACON_REPORT_PRIVATE_KEY']}",
    )
    assert problem.startswith("The first key of BEACON_REPORT_PRIVATE_KEY is not the pair")
