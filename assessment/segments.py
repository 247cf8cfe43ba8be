"""The results a lead can have, for the follow-up admin (registered in leads.hooks)."""

from .models import ResultBand


def segment_choices() -> list[tuple[str, str]]:
    """Every distinct result band title, as (value, label) pairs."""
    titles = ResultBand.objects.order_by("title").values_list("title", flat=True).distinct()
    return [(title, title) for title in titles]
