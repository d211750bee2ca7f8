"""Demo reports for the fictional Nene Valley Police, sent through the real submit service.

Phone numbers are from Ofcom's drama range (07700 900xxx), registrations are partial, places are
postcode districts or loose descriptions, and every name is invented. Two reports share a deal-line
number so that the triage demo has something to link. Idempotent: nothing is added if reports exist.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import Report
from .services import report_submit

DEAL_LINE = "07700 900417"

DEMO_REPORTS = [
    (
        19,
        {
            "categories": ["deal_line", "dealing"],
            "where": {
                "address": "",
                "postcode": "NN1",
                "description": "Around the bus station and the college",
            },
            "when": {"kind": "ongoing", "since": "About six weeks", "times": ["afternoon", "evening"]},
            "phones": [DEAL_LINE],
            "handles": [{"platform": "snapchat", "handle": "nv.deliveries.demo"}],
            "how_known": "told",
            "how_known_detail": "My daughter and her friends keep getting the same messages.",
            "details": "Students are getting bulk texts offering 'deliveries' with a price list and emojis. "
            "The number changes name but the messages read the same every time.",
        },
    ),
    (
        14,
        {
            "categories": ["cuckooing"],
            "where": {"address": "", "postcode": "NN3", "description": "The low-rise flats near the parade"},
            "when": {"kind": "ongoing", "since": "Since the start of the month", "times": ["night"]},
            "people": [
                {"name": "Tee", "age": "early 20s", "description": "Tall, always in a black puffer jacket"},
                {"name": "", "age": "about 25", "description": "Shorter, walks a brown dog"},
            ],
            "how_known": "saw",
            "details": "My neighbour lives alone and is easily led. Two men moved in with him and there are "
            "visitors at all hours. He looked frightened when I asked if he was alright.",
            "contact": {
                "name": "Demo Resident",
                "email": "resident@example.org",
                "phone": "",
                "ways": ["email"],
                "when": "Weekday evenings",
            },
        },
    ),
    (
        9,
        {
            "categories": ["child_exploitation", "deal_line"],
            "where": {"address": "", "postcode": "NN8", "description": "Picked up near the estate shops"},
            "when": {"kind": "ongoing", "since": "Since half term"},
            "people": [
                {"name": "", "age": "about 14", "description": "Slim, school uniform", "is_child": True}
            ],
            "vehicles": [{"registration": "HX?? ???", "make": "", "model": "", "colour": "grey"}],
            "phones": [DEAL_LINE],
            "child": {
                "ages": "about 14",
                "in_danger": "unknown",
                "where_known": "Lives on the estate, goes to the secondary school on the hill.",
            },
            "how_known": "saw",
            "details": "Older lads collect him in a grey car on school days. He has a new phone and clothes he "
            "could not afford, and he has been seen in other towns when he should be at school.",
        },
    ),
    (
        5,
        {
            "categories": ["weapons", "gang"],
            "where": {"address": "", "postcode": "NN10", "description": "The park by the skate ramp"},
            "when": {"kind": "once", "date": "", "time": "about 8pm"},
            "child_involved_answer": "unknown",  # "a teenager": the queue shows that nobody knows yet
            "how_known": "saw",
            "details": "A teenager was showing a large knife to a group. Some of them wore the same colours and "
            "were filming it on their phones.",
        },
    ),
    (
        3,
        {
            "categories": ["dealing"],
            "where": {"address": "", "postcode": "NN5", "description": "Car park behind the row of shops"},
            "when": {"kind": "ongoing", "since": "A few weeks", "times": ["evening"]},
            "vehicles": [{"registration": "?? ?? KRT", "make": "", "model": "hatchback", "colour": "silver"}],
            "how_known": "saw",
            "details": "The same silver hatchback parks up every evening. People walk over, lean in for less "
            "than a minute and walk off.",
        },
    ),
    (
        1,
        {
            "immediate_danger": True,
            "categories": ["gang"],
            "where": {
                "address": "",
                "postcode": "NN2",
                "description": "Outside the chip shop on the main road",
            },
            "when": {"kind": "now"},
            "how_known": "saw",
            "details": "A group of older boys are surrounding a younger one and pushing him about.",
        },
    ),
]


def seed(*, stdout) -> None:
    if not settings.BEACON_REPORT_PUBLIC_KEY or not settings.BEACON_RECEIPT_KEY:
        stdout.write("  reporting: skipped (no report keys; `manage.py beacon_keys` makes them)")
        return
    if Report.objects.exists():
        stdout.write(f"  reporting: {Report.objects.count()} reports already present, none added")
        return
    now = timezone.now()
    receipts = []
    for days_ago, answers in DEMO_REPORTS:
        answers = dict(answers)
        when = dict(answers.get("when") or {})
        if when.get("kind") == "once" and not when.get("date"):
            when["date"] = (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()
            answers["when"] = when
        result = report_submit(answers=answers, files=[])
        # Spread the demo reports over the last three weeks for the queue and the dashboard.
        Report.objects.filter(pk=result.report.pk).update(received_at=now - datetime.timedelta(days=days_ago))
        if result.receipt_code:
            receipts.append(result.receipt_code)
    stdout.write(
        f"  reporting: {len(DEMO_REPORTS)} demo reports ({len(receipts)} anonymous); "
        f"try /report/follow-up/ with receipt {receipts[0]}"
    )
