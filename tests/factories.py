"""Small helpers that make test data with sensible defaults."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from articles.models import Article
from assessment.models import Assessment

_sequence = count(1)


def make_article(**fields) -> Article:
    n = next(_sequence)
    defaults = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        "standfirst": f"Standfirst of article {n}.",
        "body": f"<p>Body of article {n}.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(minutes=n),
    }
    return Article.objects.create(**(defaults | fields))


def make_assessment(**fields) -> Assessment:
    n = next(_sequence)
    defaults = {"title": f"Assessment {n}", "slug": f"assessment-{n}", "is_active": True}
    return Assessment.objects.create(**(defaults | fields))
