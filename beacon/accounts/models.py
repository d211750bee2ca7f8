from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A member of staff. Members of the public never have an account: reporting needs none."""

    class Meta:
        ordering = ["username"]
