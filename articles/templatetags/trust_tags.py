"""The trust blocks staff edit in the admin: placement figures and testimonials.

Shown on the home page, the quiz intro and the result page. Kept in the cache until staff
change one (articles.services.trust_blocks_cache_clear), so a page pays no query for them.
"""

from django import template
from django.conf import settings
from django.core.cache import cache

from articles.models import PlacementFigure, Testimonial
from articles.services import TRUST_BLOCKS_CACHE_KEY

register = template.Library()

# A day at most: a change made outside the admin (a script, an import) shows up by itself.
KEEP_SECONDS = 24 * 60 * 60


def trust_blocks() -> dict[str, list]:
    blocks = cache.get(TRUST_BLOCKS_CACHE_KEY)
    if blocks is None:
        blocks = {
            "figures": list(PlacementFigure.objects.published()),
            "testimonials": list(Testimonial.objects.published()),
        }
        cache.set(TRUST_BLOCKS_CACHE_KEY, blocks, KEEP_SECONDS)
    return blocks


@register.inclusion_tag("includes/trust_blocks.html")
def trust_block(*, heading_level: int = 2) -> dict:
    """Nothing at all when nothing is published."""
    # An inclusion tag's template gets no context processors: the firm's name comes here.
    return trust_blocks() | {"heading_level": heading_level, "firm_name": settings.FIRM_NAME}
