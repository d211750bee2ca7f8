"""Production settings refuse to start without their secrets, and pass `check --deploy` with them."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from nacl.public import PrivateKey

from beacon.reporting.crypto import generate_keys

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def base_env():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "ALLOWED_HOSTS", "BEACON_", "WAGTAILADMIN_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return env


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "WAGTAILADMIN_BASE_URL"):
        env = base_env()
        env.update(
            DJANGO_SECRET_KEY="x" * 60,
            ALLOWED_HOSTS="beacon.example.police.uk",
            DATABASE_URL="sqlite:////tmp/never.sqlite3",
            WAGTAILADMIN_BASE_URL="https://beacon.example.police.uk",
        )
        del env[missing]
        result = run_manage("check", env=env)
        assert result.returncode != 0
        assert f"Production settings need the environment variable {missing}" in result.stderr


# The key pair of production_env's public key, for the back office (back_office_keys).
_PRIVATE = PrivateKey.generate()


def production_env(tmp_path, **extra):
    """The environment a public web server needs: its secrets, the public key and the receipt key (no private
    key, no blind-index key) and a database in tmp_path."""
    env = base_env()
    env.update(
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        ALLOWED_HOSTS="beacon.example.police.uk",
        DATABASE_URL=f"sqlite:///{tmp_path}/production.sqlite3",
        WAGTAILADMIN_BASE_URL="https://beacon.example.police.uk",
        BEACON_REPORT_PUBLIC_KEY=base64.b64encode(bytes(_PRIVATE.public_key)).decode(),
        BEACON_RECEIPT_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    env.update(extra)
    return env


def back_office_keys() -> dict[str, str]:
    """What a back-office process adds to production_env: the pair of its public key, and a blind-index key."""
    return {
        "BEACON_REPORT_PRIVATE_KEY": base64.b64encode(bytes(_PRIVATE)).decode(),
        "BEACON_BLIND_INDEX_KEY": generate_keys()["BEACON_BLIND_INDEX_KEY"],
    }


def test_a_back_office_process_has_the_private_and_blind_index_keys_together_and_a_public_one_neither(
    tmp_path,
):
    back_office = back_office_keys()
    result = run_manage("check", env=production_env(tmp_path, **back_office))
    assert result.returncode == 0, result.stderr
    together = (
        "BEACON_REPORT_PRIVATE_KEY and BEACON_BLIND_INDEX_KEY go together, on back-office processes only"
    )
    for name in back_office:  # one without the other: a public server given the blind-index key, or a worker
        result = run_manage("check", env=production_env(tmp_path, **{name: back_office[name]}))
        assert result.returncode != 0 and together in result.stderr, name
    reused = production_env(tmp_path, **back_office)
    reused["BEACON_RECEIPT_KEY"] = back_office["BEACON_BLIND_INDEX_KEY"]
    result = run_manage("check", env=reused)
    assert result.returncode != 0 and "BEACON_RECEIPT_KEY must not be the blind-index key" in result.stderr


def test_a_back_office_refuses_a_first_private_key_that_is_not_the_public_keys_pair(tmp_path):
    """With another pair's private key first, new reports would be sealed to a key the back office does not
    hold as its current one; older private keys may follow the current one (a key change in progress)."""
    current = back_office_keys()
    older = generate_keys()["BEACON_REPORT_PRIVATE_KEY"]
    changing = current | {"BEACON_REPORT_PRIVATE_KEY": f"{current['BEACON_REPORT_PRIVATE_KEY']},{older}"}
    result = run_manage("check", env=production_env(tmp_path, **changing))
    assert result.returncode == 0, result.stderr
    for wrong, message in [
        (
            f"{older},{current['BEACON_REPORT_PRIVATE_KEY']}",
            "The first key of BEACON_REPORT_PRIVATE_KEY is not",
        ),
        (older, "The first key of BEACON_REPORT_PRIVATE_KEY is not the pair of BEACON_REPORT_PUBLIC_KEY"),
        (
            f"{current['BEACON_REPORT_PRIVATE_KEY']} not-a-key",
            "Key 2 of BEACON_REPORT_PRIVATE_KEY is not a key",
        ),
    ]:
        result = run_manage(
            "check", env=production_env(tmp_path, **current | {"BEACON_REPORT_PRIVATE_KEY": wrong})
        )
        assert result.returncode != 0 and message in result.stderr, wrong
    result = run_manage("check", env=production_env(tmp_path, BEACON_REPORT_PUBLIC_KEY="c2hvcnQ="))
    assert result.returncode != 0 and "BEACON_REPORT_PUBLIC_KEY is not a key" in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.fixture
def development_keys_file():
    """var/beacon-keys.env as `make run` leaves it (a throwaway pair if this machine has none yet)."""
    path = ROOT / "var" / "beacon-keys.env"
    made = not path.exists()
    if made:
        path.parent.mkdir(exist_ok=True)
        path.write_text("".join(f"{name}={value}\n" for name, value in generate_keys().items()))
    yield path
    if made:
        path.unlink()


def test_production_never_loads_the_development_keys(tmp_path, development_keys_file):
    env = production_env(tmp_path)
    del env["BEACON_REPORT_PUBLIC_KEY"], env["BEACON_RECEIPT_KEY"]
    result = run_manage("check", env=env)
    # It refuses to start rather than run on make run's keys, private key included, found in var/.
    assert result.returncode != 0
    assert "Production settings need BEACON_REPORT_PUBLIC_KEY and BEACON_RECEIPT_KEY" in result.stderr
    show = "from django.conf import settings; print(len(settings.BEACON_REPORT_PRIVATE_KEY))"
    development = base_env() | {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    result = run_manage("shell", "--no-imports", "-c", show, env=development)
    assert result.returncode == 0 and int(result.stdout) > 10, result.stderr  # make run still has its pair


def test_production_counts_visitors_by_the_address_nginx_gives(tmp_path):
    show = (
        "from django.conf import settings; "
        "print(settings.BEACON_CLIENT_ADDRESS_HEADER, *settings.AXES_IPWARE_META_PRECEDENCE_ORDER)"
    )
    result = run_manage("shell", "--no-imports", "-c", show, env=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["HTTP_X_REAL_IP", "HTTP_X_REAL_IP", "REMOTE_ADDR"]


def test_production_refuses_to_load_the_demo_staff(tmp_path):
    env = production_env(tmp_path)
    assert run_manage("migrate", "--noinput", env=env).returncode == 0
    result = run_manage("seed_demo", env=env)
    assert result.returncode != 0 and "Demo data is not loaded on this site" in result.stderr
    count = "from beacon.accounts.models import User; print(User.objects.count())"
    assert run_manage("shell", "--no-imports", "-c", count, env=env).stdout.strip() == "0"
