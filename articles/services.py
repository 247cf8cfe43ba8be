"""Writes with side effects for articles: publishing and the public page cache."""

from django.core.cache import cache

from .models import Article


def article_page_cache_key(slug: str) -> str:
    return f"articles:page:{slug}"


def article_cache_clear(*, article: Article, old_slug: str | None = None) -> None:
    """Forget the cached public page, so the next visitor sees the saved version."""
    keys = {article_page_cache_key(article.slug)}
    if old_slug:
        keys.add(article_page_cache_key(old_slug))
    cache.delete_many(list(keys))


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
