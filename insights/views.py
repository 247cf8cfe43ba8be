"""The insights page in the admin: staff only (wrapped in admin_view in the URLconf)."""

import csv

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .dashboard import DEFAULT_DAYS, PRESET_DAYS, dashboard_build, date_range_from

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Spreadsheets run cells that start like a formula; a quote makes them plain text."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


VIEW_PERMISSION = "insights.view_insights"


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        context = admin.site.each_context(request) | {"title": "Insights"}
        return TemplateResponse(request, "insights/not_allowed.html", context, status=403)
    date_range, problem = date_range_from(request.GET, today=timezone.localdate())
    if problem:
        messages.warning(request, f"{problem} Showing the last {DEFAULT_DAYS} days instead.")
    board = dashboard_build(
        date_range=date_range,
        assessment_slug=request.GET.get("assessment", ""),
        article_slug=request.GET.get("article", ""),
    )
    wanted = request.GET.get("csv")
    if wanted:
        table = next((t for t in board.tables if t.slug == wanted), None)
        if table is None:
            raise Http404("No such table.")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"insights-{table.slug}-{date_range.start}-{date_range.end}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response.write("\ufeff")  # Excel then reads the accents right
        writer = csv.writer(response)
        writer.writerow(table.headers)
        writer.writerows([_cell(v) for v in row] for row in table.rows)
        return response
    query = request.GET.copy()
    query.pop("csv", None)
    context = admin.site.each_context(request) | {
        "title": "Insights",
        "board": board,
        "presets": PRESET_DAYS,
        "query": query.urlencode(),
    }
    return TemplateResponse(request, "insights/dashboard.html", context)
