"""Local development: `make run`."""

from pathlib import Path

import environ

# Development report keys made by `make run` (manage.py beacon_keys), read before the shared settings use them.
# Only here: production takes its keys from the environment, and its web servers hold no private key.
_KEYS = Path(__file__).resolve().parent.parent.parent / "var" / "beacon-keys.env"
if _KEYS.exists():
    environ.Env.read_env(_KEYS, overwrite=False)

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = env.bool("DJANGO_DEBUG", default=True)
BEACON_DEMO_DATA = env.bool("BEACON_DEMO_DATA", default=True)
