from .models import Neighbourhood


def neighbourhood_for_postcode(*, postcode: str) -> Neighbourhood | None:
    """The neighbourhood whose districts include this postcode's outward code (e.g. "WV1 2AB" -> "WV1")."""
    outward = (
        postcode.strip().upper().split(" ")[0] if " " in postcode.strip() else postcode.strip().upper()[:-3]
    )
    if not outward:
        return None
    for neighbourhood in Neighbourhood.objects.select_related("area"):
        if outward in neighbourhood.postcode_districts:
            return neighbourhood
    return None
