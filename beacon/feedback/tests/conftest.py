import pytest

from beacon.core.cache import throttle_cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    throttle_cache.clear()
    yield
    throttle_cache.clear()
