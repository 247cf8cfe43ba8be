from django.contrib import admin
from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("feed/", feeds.LatestArticlesFeed(), name="rss"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="atom"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/preview/", admin.site.admin_view(views.article_preview), name="preview"),
    path("<slug:slug>/assessment/", views.article_assessment_start, name="assessment_start"),
]
