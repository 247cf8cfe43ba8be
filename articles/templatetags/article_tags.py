"""Template helpers for article pages: safe body HTML and structured data."""

import json
from collections.abc import Sequence

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template import Context
from django.utils.safestring import mark_safe

from articles.content_cache import newest_articles
from articles.models import Article
from articles.reading import read_next_for_signs

register = template.Library()

# The same escapes Django's json_script uses, so data can't close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def clean_body(html: str) -> str:
    """The body as stored: Article.save() cleaned it with nh3 (and migration 0002 cleaned
    the rows saved before that), so it is not cleaned again at every render."""
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 in Article.save()


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


@register.simple_tag
def article_image_url(article: Article) -> str:
    image = article.social_image or article.hero_image
    return absolute(image.url) if image else ""


def _author_json_ld(article: Article) -> dict[str, str]:
    author = article.author
    if author is None:
        return {"@type": "Organization", "name": settings.FIRM_NAME}
    data = {"@type": "Person", "name": author.name}
    if author.role:
        data["jobTitle"] = author.role
    if author.photo:
        data["image"] = absolute(author.photo.url)
    return data


@register.simple_tag
def article_json_ld(article: Article) -> str:
    """schema.org Article data for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.description,
        "datePublished": article.publish_at,
        "dateModified": article.updated_at,
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "author": _author_json_ld(article),
        "publisher": {"@type": "Organization", "name": settings.FIRM_NAME},
    }
    image = article_image_url(article)
    if image:
        data["image"] = image
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


READ_NEXT_COUNT = 3
# Where a view that read the newest articles already (with its article, in one round trip)
# puts them: READ_NEXT_COUNT + 1 of them, one more than shown.
NEWEST_CONTEXT = "newest_articles"


@register.simple_tag(takes_context=True)
def read_next(
    context: Context,
    *,
    exclude: str = "",
    count: int = READ_NEXT_COUNT,
    signs: Sequence[str] = (),
) -> list[Article]:
    """Articles to read next, leaving out the one at the address `exclude` (the article
    being read, or the one a quiz-taker came from): the newest, kept between edits
    (articles/content_cache.py: no query once kept), or, given a quiz-taker's weak signs
    (weakest first), those that help with them (two queries)."""
    if signs:
        return read_next_for_signs(signs=signs, exclude=exclude, count=count)
    newest = context.get(NEWEST_CONTEXT) if count == READ_NEXT_COUNT else None
    if newest is None:
        newest = newest_articles(count + 1)
    return [a for a in newest if a.get_absolute_url() != exclude][:count]
