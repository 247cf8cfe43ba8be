"""RSS and Atom feeds of the newest published articles."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Article

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    link = reverse_lazy("articles:list")

    def title(self):
        return f"{settings.FIRM_NAME}: career articles"

    def description(self):
        return settings.FIRM_TAGLINE

    def items(self):
        return Article.objects.published().select_related("author").newest_first()[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.standfirst

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author.name if item.author else settings.FIRM_NAME


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
