"""Production settings refuse to start without their secrets, and pass `check --deploy` with them."""

import base64
import os
import subprocess
import sys
from pathlib import Path

from nacl.public import PrivateKey

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def base_env():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "ALLOWED_HOSTS", "BEACON_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return env


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
        env = base_env()
        env.update(
            DJANGO_SECRET_KEY="x" * 60,
            ALLOWED_HOSTS="beacon.example.police.uk",
            DATABASE_URL="sqlite:////tmp/never.sqlite3",
        )
        del env[missing]
        result = run_manage("check", env=env)
        assert result.returncode != 0
        assert f"Production settings need the environment variable {missing}" in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    private = PrivateKey.generate()
    env = base_env()
    env.update(
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        ALLOWED_HOSTS="beacon.example.police.uk",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        BEACON_REPORT_PUBLIC_KEY=base64.b64encode(bytes(private.public_key)).decode(),
        BEACON_BLIND_INDEX_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
