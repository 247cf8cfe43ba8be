"""Public article pages: home, list, detail, and the staff-only draft preview."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from assessment.models import Assessment
from assessment.services import quiz_start_unless_underway, source_remember, utm_from_url
from insights.buffer import record_head
from insights.models import Kind
from insights.services import event_record

from .content_cache import article_page_rows, article_parts_keep
from .models import Article
from .page_cache import public_page
from .services import article_page_cache_key
from .templatetags.article_tags import NEWEST_CONTEXT, READ_NEXT_COUNT

HOME_ARTICLE_COUNT = 6


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().newest_first()[:HOME_ARTICLE_COUNT]
    featured_assessment = Assessment.objects.active().first()
    return render(
        request,
        "articles/home.html",
        {"articles": articles, "featured_assessment": featured_assessment},
    )


@require_safe
@public_page
def article_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(Article.objects.published().newest_first(), settings.ARTICLES_PER_PAGE)
    # get_page() turns junk, zero and out-of-range numbers into a real page, never an error.
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "articles/article_list.html", {"page": page})


def _can_use_page_cache(request: HttpRequest) -> bool:
    """Only anonymous visitors with nothing personal to show share the cached page."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return False
    return not request.user.is_authenticated and not len(messages.get_messages(request))


@require_safe
@public_page
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    use_cache = _can_use_page_cache(request)
    key = article_page_cache_key(slug)
    entry = cache.get(key) if use_cache else None
    if entry is None:
        page = article_page_rows(slug, newest=READ_NEXT_COUNT + 1)
        if page.article is None:
            raise Http404("No article here.")
        article = page.article
        parts = page.parts
        if parts is None:
            parts = _article_parts(request, article, page.newest)
            article_parts_keep(page, parts)
        context = {"article": article, "article_parts": _safe(parts)}
        response = render(request, "articles/article_detail.html", context)
        entry = {
            "content": response.content,
            "last_modified": http_date(article.updated_at.timestamp()),
        }
        if use_cache:
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    # Recorded out here, not in the cached render, so cached views count too.
    event_record(kind=Kind.ARTICLE_VIEWED, request=request, article=slug)
    response = HttpResponse(entry["content"])
    response["Last-Modified"] = entry["last_modified"]
    # Browsers and proxies may keep a copy, but must ask before reusing it: the
    # ConditionalGetMiddleware then answers 304 when nothing changed.
    response["Cache-Control"] = "no-cache" if use_cache else "private, no-cache"
    # When the edge serves this page from Redis, it counts the view with this record.
    response.page_view_event = record_head(  # type: ignore[attr-defined]  # read by the edge
        kind=Kind.ARTICLE_VIEWED, article=slug[:200]
    )
    return response


def _article_parts(
    request: HttpRequest, article: Article, newest: list[Article] | None
) -> dict[str, str]:
    """The article page's head tags and article block, the same for every visitor (nothing
    per request or personal in them), so they can be kept between edits."""
    context = {"article": article, NEWEST_CONTEXT: newest}
    return {
        "head": render_to_string("articles/includes/article_head.html", context, request),
        "content": render_to_string("articles/includes/article_block.html", context, request),
    }


def _safe(parts: dict[str, str]) -> dict[str, str]:
    """Our own rendered HTML, read back from the cache as plain strings."""
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308


def article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff see any article, draft or scheduled, exactly as it will look.

    Behind the admin site's own check (see urls.py), so two-step sign-in covers it too.
    """
    article = get_object_or_404(Article.objects.select_related("promotes", "author"), slug=slug)
    parts = _article_parts(request, article, None)
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "article_parts": _safe(parts), "is_preview": True},
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def article_assessment_start(request: HttpRequest, slug: str) -> HttpResponse:
    """The article's call to action: note the article as where the visitor came from, and
    start the quiz (its first question is the next page).

    The article page itself is cached and the same for everyone, so it can't say who read
    it; this link can. The visitor's UTM parameters ride along in the Referer (the article
    URL they read), which browsers send in full within the same site.
    """
    article = get_object_or_404(Article.objects.published().select_related("promotes"), slug=slug)
    assessment = article.promotes
    if assessment is None or not assessment.is_active:
        return redirect(article)
    referer = request.headers.get("referer", "")
    utm_params = {k: request.GET.get(k, "") for k in request.GET if k.startswith("utm_")}
    params = utm_from_url(referer) | utm_params
    source_remember(
        session=request.session,
        landing_path=article.get_absolute_url(),
        landing_title=article.title,
        params=params,
    )
    event_record(kind=Kind.CTA_CLICKED, request=request, article=slug, assessment=assessment.slug)
    if quiz_start_unless_underway(session=request.session, assessment=assessment):
        event_record(kind=Kind.QUIZ_STARTED, request=request, assessment=assessment.slug)
        return redirect(reverse("assessment:question", kwargs={"slug": assessment.slug, "n": 1}))
    return redirect(assessment)
