"""Fixtures shared by every app's tests."""

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import roles
from beacon.accounts.models import User


@pytest.fixture
def make_staff(db):
    """make_staff(role) -> a User in that role (a name from beacon.accounts.roles), with an authenticator."""

    def make(
        role: str | None = None,
        *,
        username: str | None = None,
        superuser: bool = False,
        with_device: bool = True,
    ) -> User:
        roles.roles_sync()
        name = username or f"{(role or 'staff').lower().replace(' ', '-')}-{User.objects.count() + 1}"
        user = User.objects.create_user(
            username=name, password="a-long-test-password", email=f"{name}@beacon.invalid"
        )
        user.is_superuser = superuser
        user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        if with_device:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


@pytest.fixture
def staff_client(client):
    """staff_client(user) -> the test client signed in as user with the second factor verified."""

    def sign_in(user):
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return sign_in


@pytest.fixture
def fresh_window():
    """The clock moved to just after the start of a rate-limit window, and running on from there, so that no
    window ends while a test counts attempts (every window in the settings divides 30 minutes)."""
    import time

    import time_machine

    now = time.time()
    with time_machine.travel(now - now % 1800 + 1800 + 1, tick=True):
        yield


class _UnreachableCache:
    """A cache whose every call fails, as a full /dev/shm or a Redis server that is down would."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise OSError("the cache is unavailable")

        return fail


@pytest.fixture
def unreachable_cache():
    return _UnreachableCache()
