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


def seed(*, stdout) -> None:
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
