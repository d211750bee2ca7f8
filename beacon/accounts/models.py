import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff. Members of the public never have an account: reporting needs none."""

    # Raised to end every session of the account (its second factor was reset or replaced). Each session keeps a
    # hash of the account that Django checks on every request; like the password, this number is part of it.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["username"]

    def _with_generation(self, value: str) -> str:
        # Generation 0 leaves Django's hash as it is, so sessions made before this field existed stay valid.
        if not self.session_generation:
            return value
        return hashlib.sha256(f"{value}:{self.session_generation}".encode()).hexdigest()

    def get_session_auth_hash(self):
        return self._with_generation(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for value in super().get_session_auth_fallback_hash():
            yield self._with_generation(value)
