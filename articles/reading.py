"""Which article to suggest for each of the quiz's weak signs (the personal report's plan).

Registered in assessment.hooks from ArticlesConfig.ready(): the assessment sits below the
articles and can't ask for them itself. Words in an article's title or standfirst tie it to
a sign; a sign with no such article gets an article that promotes a quiz (it explains all
eight signs), else the newest one. One query.
"""

from __future__ import annotations

from collections.abc import Sequence

from assessment.hooks import Reading
from assessment.models import Trait

from .models import Article
from .templatetags.article_tags import absolute

# Lower-case fragments that tie an article to a sign.
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


def report_reading(*, signs: Sequence[str]) -> dict[str, Reading]:
    articles = list(
        Article.objects.published()
        .newest_first()
        .only("slug", "title", "standfirst", "promotes_id")[:CANDIDATES]
    )
    if not articles:
        return {}
    fallback = next((a for a in articles if a.promotes_id), articles[0])
    chosen: dict[str, Reading] = {}
    for sign in signs:
        words = SIGN_WORDS.get(sign, ())
        match = next((a for a in articles if _mentions(a, words)), fallback)
        chosen[sign] = Reading(title=match.title, url=absolute(match.get_absolute_url()))
    return chosen


def _mentions(article: Article, words: Sequence[str]) -> bool:
    text = f"{article.title} {article.standfirst}".lower()
    return any(word in text for word in words)
