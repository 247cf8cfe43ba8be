"""Writes with side effects for articles: publishing and the public page cache."""

from django.core.cache import cache
from django.urls import reverse

from .models import Article, Author
from .page_cache import pages_clear


def article_page_cache_key(slug: str) -> str:
    return f"articles:page:{slug}"


def article_cache_clear(*, article: Article, old_slug: str | None = None) -> None:
    """Forget the cached public page, and the home page and article list that show it, so
    the next visitor sees the saved version."""
    slugs = {article.slug} | ({old_slug} if old_slug else set())
    cache.delete_many([article_page_cache_key(slug) for slug in slugs])
    pages_clear(
        [reverse("articles:detail", kwargs={"slug": slug}) for slug in sorted(slugs)]
        + [reverse("home"), reverse("articles:list")]
    )


TRUST_BLOCKS_CACHE_KEY = "articles:trust-blocks"


def trust_blocks_cache_clear() -> None:
    """Testimonials and placement figures changed: forget the kept blocks and the cached
    home page that shows them (the quiz pages are never cached whole)."""
    cache.delete(TRUST_BLOCKS_CACHE_KEY)
    pages_clear([reverse("home")])


def author_cache_clear(*, author: Author) -> None:
    """An author's name, role or photo changed: forget the pages of their articles."""
    for article in author.articles.all():
        article_cache_clear(article=article)


def article_publish(*, article: Article) -> Article:
    """Make an article public. A future publish time keeps it scheduled until then."""
    article.status = Article.Status.PUBLISHED
    article.save(update_fields=["status", "updated_at"])
    article_cache_clear(article=article)
    return article


def article_unpublish(*, article: Article) -> Article:
    """Take an article off the site at once."""
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    article_cache_clear(article=article)
    return article
