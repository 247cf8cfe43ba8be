from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from articles import views as article_views
from articles.sitemaps import ArticleSitemap, PageSitemap
from assessment.sitemaps import QuizSitemap, SharePageSitemap
from insights import views as insights_views

from . import health, views

sitemaps = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "quizzes": QuizSitemap,
    "shared-results": SharePageSitemap,
}

urlpatterns = [
    path("", article_views.home, name="home"),
    path("articles/", include("articles.urls")),
    path("assessment/", include("assessment.urls")),
    path("email/", include("leads.urls")),
    path("call/", include("calls.urls")),
    # Providers' delivery webhooks (bounces, complaints): docs/email.md#bounces-and-complaints
    path("anymail/", include("leads.webhooks")),
    # Staff only: admin_view sends everyone else to the admin login.
    path(
        "admin/insights/",
        admin.site.admin_view(insights_views.dashboard),
        name="insights_dashboard",
    ),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("contact/", views.contact, name="contact"),
    path("theme.css", views.theme_stylesheet, name="theme_css"),
    path("favicon.ico", views.favicon),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

if settings.SERVE_MEDIA:
    # Public uploads (article images). Private files, such as the whitepaper, never live here.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", views.public_media, name="public_media"),
    ]

handler404 = "site_project.views.page_not_found"
handler500 = "site_project.views.server_error"

admin.site.site_header = f"{settings.FIRM_NAME}: site administration"
admin.site.site_title = settings.FIRM_NAME
admin.site.index_title = "Articles, assessments and leads"
