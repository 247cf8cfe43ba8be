"""The figures behind the insights page in the admin.

This is the one module of the app that reads the other apps' models (articles, quizzes,
leads). Nothing in those apps imports it, and it imports them only here, so the direction
articles -> assessment -> leads -> insights(models, services) has no cycle at import time:
the dashboard is a reader on top, loaded by the admin URL alone.

Every figure comes from a fixed set of queries whatever the range: days already rolled up
are read from DailyCount, later days (today, or days the roll-up has not reached yet) from
the raw events, and the two are added.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from articles.models import Article
from assessment.models import Assessment, Question
from leads.models import Lead, MailEvent, OutboundEmail, Suppression

from .models import DailyCount, Event, Kind
from .services import GROUP_FIELDS, day_start, last_rolled_day

PRESET_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
EARLIEST = date(2000, 1, 1)
BAR_X, BAR_MAX = 230, 340  # where bars start in the 640-wide chart, and the longest
FUNNEL = [
    (Kind.ARTICLE_VIEWED, "Article views"),
    (Kind.CTA_CLICKED, "Call-to-action clicks"),
    (Kind.QUIZ_STARTED, "Quiz starts"),
    (Kind.QUIZ_FINISHED, "Quiz finishes"),
    (Kind.LEAD, "Leads"),
    (Kind.DOWNLOADED, "Downloads"),
]


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date
    days: int | None = None  # one of the presets, or None for a custom range

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1


def date_range_from(params, *, today: date) -> tuple[DateRange, str]:
    """The range asked for, or the default with a sentence saying why it wasn't used."""
    default = DateRange(today - timedelta(days=DEFAULT_DAYS - 1), today, DEFAULT_DAYS)
    start_text, end_text = params.get("start", "").strip(), params.get("end", "").strip()
    if start_text or end_text:
        try:
            start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
        except ValueError:
            return default, "Those dates weren't understood: use the form YYYY-MM-DD."
        if end < start:
            return default, "The end date was before the start date."
        if start < EARLIEST or end > today:
            return default, f"Dates must be between {EARLIEST:%d %B %Y} and today."
        return DateRange(start, end), ""
    days_text = params.get("days", "")
    if not days_text:
        return default, ""
    if days_text not in {str(d) for d in PRESET_DAYS}:
        return default, "That period isn't one of the choices."
    days = int(days_text)
    return DateRange(today - timedelta(days=days - 1), today, days), ""


@dataclass
class Table:
    """One table on the page: also its chart (the first numeric column) and its CSV file."""

    slug: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart_column: int = 1
    note: str = ""
    alert: str = ""  # a warning staff must not miss, shown above the table

    @property
    def bars(self) -> list[dict]:
        values = [row[self.chart_column] or 0 for row in self.rows]
        top = max(values, default=0) or 1
        bars = []
        for i, (row, value) in enumerate(zip(self.rows, values, strict=True)):
            width = round(BAR_MAX * value / top, 1)
            label = str(row[0])
            bars.append(
                {
                    "label": label if len(label) <= 30 else label[:29] + "…",
                    "value": value,
                    "width": width,
                    "y": 10 + i * 30,
                    "text_y": 25 + i * 30,
                    "value_x": BAR_X + width + 6,
                }
            )
        return bars

    @property
    def chart_height(self) -> int:
        return 20 + 30 * len(self.rows)


def _counts(date_range: DateRange) -> Counter:
    """Events per (kind, assessment, article, question, label): rolled-up days plus raw ones."""
    last = last_rolled_day()
    totals: Counter = Counter()
    if last is not None and last >= date_range.start:
        rolled = (
            DailyCount.objects.filter(day__gte=date_range.start, day__lte=min(last, date_range.end))
            .values(*GROUP_FIELDS)
            .annotate(n=Sum("count"))
            .order_by()
        )
        for row in rolled:
            totals[tuple(row[f] for f in GROUP_FIELDS)] += row["n"]
    raw_from = max(date_range.start, last + timedelta(days=1)) if last else date_range.start
    if raw_from <= date_range.end:
        raw = (
            Event.objects.filter(
                at__gte=day_start(raw_from), at__lt=day_start(date_range.end + timedelta(days=1))
            )
            .values(*GROUP_FIELDS)
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in raw:
            totals[tuple(row[f] for f in GROUP_FIELDS)] += row["n"]
    return totals


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _rate(part: int, whole: int) -> str:
    """Two decimals: a complaint rate of 0.05% must not read 0.1%."""
    return f"{100 * part / whole:.2f}%" if whole else "–"


@dataclass
class Dashboard:
    date_range: DateRange
    assessments: list
    articles: list
    assessment: object | None
    article_slug: str
    tables: list[Table]


def dashboard_build(*, date_range: DateRange, assessment_slug: str, article_slug: str):
    assessments = list(Assessment.objects.only("slug", "title").order_by("title"))
    assessment = next((a for a in assessments if a.slug == assessment_slug), None)
    assessment = assessment or (assessments[0] if assessments else None)
    articles = list(Article.objects.values("slug", "title", "promotes__slug").order_by("title"))
    titles = {a["slug"]: a["title"] for a in articles}
    if article_slug not in titles:
        article_slug = ""
    quiz = assessment.slug if assessment else ""
    promoting = {a["slug"] for a in articles if a["promotes__slug"] == quiz}
    counts = _counts(date_range)

    def total(kind, *, question=None, label=None, article=None, any_assessment=False) -> int:
        n = 0
        for (k, a_slug, art, q, lab), value in counts.items():
            if k != kind or (question is not None and q != question):
                continue
            if label is not None and lab != label:
                continue
            if not any_assessment and kind != Kind.ARTICLE_VIEWED and a_slug != quiz:
                continue
            wanted_article = article if article is not None else article_slug
            if wanted_article and art != wanted_article:
                continue
            if kind == Kind.ARTICLE_VIEWED and not wanted_article and art not in promoting:
                continue
            n += value
        return n

    tables = [_funnel(total), _questions(total, assessment), _bands(total, counts, quiz)]
    tables.append(_leads_by_week(date_range, quiz))
    tables.append(_email(total))
    tables.append(_deliverability(date_range))
    tables.append(_top_articles(counts, quiz, titles))
    return Dashboard(date_range, assessments, articles, assessment, article_slug, tables)


def _funnel(total) -> Table:
    table = Table(
        "funnel",
        "The funnel",
        ["Step", "Count", "From the step before"],
        note="Article views count the articles that promote this quiz, or the article chosen.",
    )
    previous = None
    for kind, label in FUNNEL:
        n = total(kind)
        table.rows.append([label, n, "–" if previous is None else _percent(n, previous)])
        previous = n
    return table


def _questions(total, assessment) -> Table:
    table = Table(
        "questions",
        "Drop-off on each question",
        ["Question", "Reached", "Left here", "Share who left"],
        chart_column=2,
    )
    if assessment is None:
        return table
    texts = list(Question.objects.filter(assessment=assessment).values_list("text", flat=True))
    reached = [total(Kind.QUESTION_REACHED, question=n) for n in range(1, len(texts) + 1)]
    finished = total(Kind.QUIZ_FINISHED)
    for n, text in enumerate(texts, start=1):
        here = reached[n - 1]
        after = reached[n] if n < len(texts) else finished
        left = max(here - after, 0)
        table.rows.append([f"{n}. {text}", here, left, _percent(left, here)])
    return table


def _bands(total, counts, quiz) -> Table:
    table = Table("bands", "How results split across the bands", ["Result", "Leads", "Share"])
    labels = sorted({lab for (k, a, _, _, lab) in counts if k == Kind.LEAD and a == quiz})
    values = [(lab or "(no band)", total(Kind.LEAD, label=lab)) for lab in labels]
    whole = sum(v for _, v in values)
    table.rows = [[lab, v, _percent(v, whole)] for lab, v in values if v]
    return table


def _leads_by_week(date_range: DateRange, quiz: str) -> Table:
    statuses = list(Lead.Status)
    table = Table(
        "leads",
        "New leads per week, by status now",
        ["Week starting", "New leads", *[s.label for s in statuses]],
        note="Leads who took this quiz, by the week they first arrived; all articles.",
    )
    rows = (
        Lead.objects.filter(
            created_at__gte=day_start(date_range.start),
            created_at__lt=day_start(date_range.end + timedelta(days=1)),
            submissions__assessment__slug=quiz,
        )
        .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "status")
        .annotate(n=Count("id", distinct=True))
        .order_by("week")
    )
    weeks: dict = defaultdict(Counter)
    for row in rows:
        weeks[row["week"].date() if hasattr(row["week"], "date") else row["week"]][
            row["status"]
        ] += row["n"]
    for week, by_status in sorted(weeks.items()):
        table.rows.append(
            [f"{week:%d %b %Y}", sum(by_status.values()), *[by_status[s] for s in statuses]]
        )
    return table


def _email(total) -> Table:
    table = Table("email", "Email", ["Figure", "Count"], note="All emails the site sent.")
    for kind, label in [
        (Kind.EMAIL_SENT, "Sent"),
        (Kind.EMAIL_FAILED, "Failed"),
        (Kind.UNSUBSCRIBED, "Unsubscribed"),
    ]:
        table.rows.append([label, total(kind, any_assessment=True, article="")])
    return table


# Gmail's and Yahoo's lines for bulk senders: keep complaints under 0.1% of delivered mail;
# at 0.3% and above, mail may be refused or sent to spam.
COMPLAINT_WATCH, COMPLAINT_LIMIT = 0.001, 0.003
_BOUNCE_EVENTS = ("bounced", "rejected")


def _deliverability(date_range: DateRange) -> Table:
    """Sent, delivered, bounced, complaints and suppressions, with the complaint rate set
    against the mailbox providers' lines (docs/email.md#bounces-and-complaints)."""
    start = day_start(date_range.start)
    end = day_start(date_range.end + timedelta(days=1))
    sent = OutboundEmail.objects.filter(sent_at__gte=start, sent_at__lt=end).count()
    events = MailEvent.objects.filter(received_at__gte=start, received_at__lt=end).aggregate(
        delivered=Count("pk", filter=Q(event_type="delivered")),
        bounced=Count("pk", filter=Q(event_type__in=_BOUNCE_EVENTS)),
        complained=Count("pk", filter=Q(event_type="complained")),
    )
    suppressions = Suppression.objects.filter(
        suppressed_at__gte=start, suppressed_at__lt=end
    ).aggregate(
        all=Count("pk"),
        # Our own SMTP server's "no such mailbox" has no provider event: count it here.
        smtp_bounces=Count("pk", filter=Q(reason=Suppression.Reason.NO_SUCH_MAILBOX)),
    )
    delivered, complained = events["delivered"], events["complained"]
    bounced = events["bounced"] + suppressions["smtp_bounces"]
    # Providers that report deliveries give the true base; without them, what was sent.
    base, base_name = (delivered, "delivered") if delivered else (sent, "sent")
    rate = complained / base if base else 0.0
    table = Table(
        "deliverability",
        "Deliverability",
        ["Figure", "Count", "Share"],
        note=(
            "Delivered, bounced and spam reports come from the email provider's webhooks; "
            "plain SMTP reports only the bounces its server refuses at once. "
            f"Complaint rate: {_rate(complained, base)} of {base_name} mail, "
            f"against the 0.1% to stay under and the 0.3% never to reach."
        ),
    )
    table.rows = [
        ["Sent", sent, "–"],
        ["Delivered", delivered, _rate(delivered, sent)],
        ["Bounced", bounced, _rate(bounced, sent)],
        ["Marked as spam", complained, _rate(complained, base)],
        ["Addresses suppressed", suppressions["all"], "–"],
    ]
    if rate >= COMPLAINT_LIMIT:
        alert = (
            f"Spam complaints are at {_rate(complained, base)}, at or above 0.3%: Gmail and "
            "Yahoo may refuse the firm's mail. Pause the follow-ups and check who gets them "
            "and why they complain."
        )
        table = replace(table, alert=alert)
    elif rate >= COMPLAINT_WATCH:
        alert = (
            f"Spam complaints are at {_rate(complained, base)}, above 0.1%: look at which "
            "follow-up they answer, and make unsubscribing easy to find."
        )
        table = replace(table, alert=alert)
    return table


def _top_articles(counts, quiz, titles) -> Table:
    table = Table("articles", "Top articles by leads", ["Article", "Leads"])
    by_article: Counter = Counter()
    for (k, a, art, _, _), n in counts.items():
        if k == Kind.LEAD and a == quiz and art:
            by_article[art] += n
    table.rows = [[titles.get(slug, slug), n] for slug, n in by_article.most_common(10)]
    return table
