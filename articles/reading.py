"""Which articles to suggest for the quiz's weak signs: the result page's "Read next" and
the personal report's plan.

Staff tie an article to signs in the admin ("helps with these signs"); a sign no article
is tied to is matched on words in an article's title or standfirst; a sign with neither
gets an article that promotes a quiz (it explains all eight signs), else the newest one.
The report's function is registered in assessment.hooks from ArticlesConfig.ready(): the
assessment sits below the articles and can't ask for them itself. Two queries.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from assessment.hooks import Reading
from assessment.models import Trait

from .models import Article

# Lower-case fragments that tie an article to a sign when staff haven't.
SIGN_WORDS: dict[str, tuple[str, ...]] = {
    Trait.LONG_TERM_VISION: ("vision", "long-term", "long term", "goal", "future"),
    Trait.PATH_OUTLINE: ("path", "roadmap", "next step", "promotion", "ladder"),
    Trait.SKILLS_PLAN: ("skill", "leadership", "training", "certif", "mentor"),
    Trait.WILLING_TO_MOVE: ("relocat", "move", "opportunit"),
    Trait.COMFORTABLE: ("comfort", "paycheck", "salary", "pay "),
    Trait.NEEDS_BIG_CHANGE: ("change", "market", "layoff"),
    Trait.SATISFIED: ("satisf", "growth", "stuck"),
    Trait.FEARS_NEW_ROLE: ("new role", "new job", "interview", "recruiter"),
}

# Enough to find a match among the recent articles without reading the whole archive.
CANDIDATES = 50


class _Candidates:
    """The newest published articles, and which signs staff tied each one to."""

    def __init__(self, *, exclude: str = "") -> None:
        self.articles = [
            a
            for a in Article.objects.published()
            .newest_first()
            .only("slug", "title", "standfirst", "promotes_id")[:CANDIDATES]
            if a.get_absolute_url() != exclude
        ]
        ties = Article.signs.through.objects.filter(
            article_id__in=[a.pk for a in self.articles]
        ).values_list("article_id", "sign__trait")
        self.tied: dict[int, set[str]] = {}
        for article_id, trait in ties:
            self.tied.setdefault(article_id, set()).add(trait)

    def for_sign(self, sign: str, *, skip: Sequence[Article] = ()) -> Article | None:
        """Staff's choice first, then words, newest first; None if neither fits."""
        rest = [a for a in self.articles if a not in skip]
        words = SIGN_WORDS.get(sign, ())
        return next((a for a in rest if sign in self.tied.get(a.pk, ())), None) or next(
            (a for a in rest if _mentions(a, words)), None
        )

    def fallback(self) -> Article | None:
        return next((a for a in self.articles if a.promotes_id), None) or next(
            iter(self.articles), None
        )


def report_reading(*, signs: Sequence[str]) -> dict[str, Reading]:
    """One article for each sign (the same one may serve two)."""
    candidates = _Candidates()
    fallback = candidates.fallback()
    chosen: dict[str, Reading] = {}
    for sign in signs:
        match = candidates.for_sign(sign) or fallback
        if match is not None:
            chosen[sign] = Reading(
                title=match.title, url=settings.SITE_URL + match.get_absolute_url()
            )
    return chosen


def read_next_for_signs(
    *, signs: Sequence[str], exclude: str = "", count: int = 3
) -> list[Article]:
    """Up to `count` different articles, one for each sign in order (weakest first), then
    the newest to fill the list; never the article at `exclude` (where the visitor came
    from)."""
    candidates = _Candidates(exclude=exclude)
    picked: list[Article] = []
    for sign in signs:
        if len(picked) == count:
            break
        match = candidates.for_sign(sign, skip=picked)
        if match is not None:
            picked.append(match)
    picked += [a for a in candidates.articles if a not in picked][: count - len(picked)]
    return picked


def _mentions(article: Article, words: Sequence[str]) -> bool:
    text = f"{article.title} {article.standfirst}".lower()
    return any(word in text for word in words)
