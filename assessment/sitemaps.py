"""The quiz's public pages for search engines: each active quiz's intro, and the share page
of each of its result bands (the band only: never a person's result, which is noindex)."""

from django.contrib.sitemaps import Sitemap

from .models import Assessment, ResultBand
from .sharing import share_page_path


class QuizSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Assessment.objects.active().order_by("pk")


class SharePageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (
            ResultBand.objects.filter(assessment__is_active=True)
            .select_related("assessment")
            .order_by("assessment_id", "min_score")
        )

    def location(self, item: ResultBand) -> str:
        return share_page_path(item)
