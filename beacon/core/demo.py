"""Demo policing areas for the fictional Nene Valley Police, on real postcode districts."""

from .models import Neighbourhood, PolicingArea

AREAS = {
    ("Northampton", "northampton"): [
        ("Town Centre", "northampton-town-centre", ["NN1"]),
        ("Kingsthorpe", "kingsthorpe", ["NN2"]),
        ("Weston Favell", "weston-favell", ["NN3"]),
        ("Duston and St James", "duston", ["NN4", "NN5"]),
    ],
    ("Wellingborough and Rushden", "wellingborough-rushden"): [
        ("Wellingborough", "wellingborough", ["NN8", "NN9"]),
        ("Rushden", "rushden", ["NN10"]),
    ],
}


def ensure_wagtail_roots() -> None:
    """Wagtail's migrations make a root page and a root collection; a flushed test database has neither."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root", live=True)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def seed(*, stdout) -> None:
    ensure_wagtail_roots()
    for (area_name, area_code), neighbourhoods in AREAS.items():
        area, _ = PolicingArea.objects.update_or_create(code=area_code, defaults={"name": area_name})
        for name, code, districts in neighbourhoods:
            Neighbourhood.objects.update_or_create(
                code=code,
                defaults={
                    "area": area,
                    "name": name,
                    "postcode_districts": districts,
                    "team_email": f"{code}@beacon.invalid",
                },
            )
    stdout.write(
        f"  policing areas: {PolicingArea.objects.count()} areas, {Neighbourhood.objects.count()} neighbourhoods"
    )
