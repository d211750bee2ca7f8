"""`manage.py beacon_keys`: the keys that protect reports, printed or written to an env file."""

import base64
import io
import stat

import environ
import pytest
from django.core.management import call_command
from nacl.exceptions import CryptoError

from beacon.reporting import crypto

NAMES = ["BEACON_REPORT_PUBLIC_KEY", "BEACON_REPORT_PRIVATE_KEY", "BEACON_BLIND_INDEX_KEY"]


def _lines(text: str) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in text.splitlines()]
    assert [name for name, _ in pairs] == NAMES
    return dict(pairs)


def _opens_what_it_seals(settings, keys: dict[str, str]) -> None:
    """The public key seals what the private key (and only it) opens; the blind-index key is usable."""
    for name, value in keys.items():
        assert len(base64.b64decode(value, validate=True)) == 32, name
    settings.BEACON_REPORT_PUBLIC_KEY = keys["BEACON_REPORT_PUBLIC_KEY"]
    settings.BEACON_REPORT_PRIVATE_KEY = keys["BEACON_REPORT_PRIVATE_KEY"]
    settings.BEACON_BLIND_INDEX_KEY = keys["BEACON_BLIND_INDEX_KEY"]
    sealed = crypto.seal(b"a blue door at midnight")
    assert b"blue door" not in sealed
    assert crypto.unseal(sealed) == b"a blue door at midnight"
    assert len(crypto.blind_index("phone", "+447700900123")) == 64
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
