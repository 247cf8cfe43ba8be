from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().newest_first()

    def lastmod(self, item: Article):
        return item.updated_at


class PageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["home", "articles:list", "privacy"]

    def location(self, item: str) -> str:
        return reverse(item)
