from django.db.models import Avg, Count

from .models import Feedback


def feedback_summary(*, since=None, until=None) -> dict:
    """Counts per rating and the mean, for staff and the campaign dashboard."""
    rows = Feedback.objects.all()
    if since:
        rows = rows.filter(received_on__gte=since)
    if until:
        rows = rows.filter(received_on__lte=until)
    per_rating = dict(rows.values_list("rating").annotate(n=Count("id")).order_by())
    stats = rows.aggregate(mean=Avg("rating"), total=Count("id"))
    return {
        "total": stats["total"],
        "mean": round(stats["mean"], 2) if stats["mean"] is not None else None,
        "per_rating": {value: per_rating.get(value, 0) for value, _ in Feedback.RATINGS},
    }
