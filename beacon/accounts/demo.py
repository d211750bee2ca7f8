"""Demo staff accounts, one per role. Each must set up two-factor sign-in the first time."""

from django.contrib.auth.models import Group

from beacon.core.models import Neighbourhood

from . import roles
from .models import User

DEMO_PASSWORD = "beacon-demo-password"  # noqa: S105 - demo data for a local machine only

SUPERVISOR_TEAM = "northampton-town-centre"
DEMO_STAFF = [
    ("admin", "Alex", "Admin", roles.ADMINISTRATOR, True),
    ("triage", "Tara", "Singh", roles.TRIAGE_OFFICER, False),
    ("analyst", "Ade", "Okafor", roles.INTELLIGENCE_ANALYST, False),
    ("supervisor", "Sam", "Reid", roles.NEIGHBOURHOOD_SUPERVISOR, False),
    ("safeguarding", "Priya", "Shah", roles.SAFEGUARDING_LEAD, False),
    ("editor", "Erin", "Walsh", roles.CAMPAIGN_EDITOR, False),
]


def seed(*, stdout) -> None:
    roles.roles_sync()
    for username, first, last, role, superuser in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@beacon.invalid",
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.set([Group.objects.get(name=role)])
    # The demo supervisor leads the town-centre team, so sees the reports routed there and no others.
    team = Neighbourhood.objects.filter(code=SUPERVISOR_TEAM).first()
    if team is not None:
        team.members.add(User.objects.get(username="supervisor"))
    stdout.write(
        f"  staff: {len(DEMO_STAFF)} demo accounts (password {DEMO_PASSWORD!r}, two-factor set up at first sign-in)"
    )
