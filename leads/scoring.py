"""The lead score: 0 to 100, fit (who they are) plus engagement (what they did).

Stored on Lead.score so the list sorts on it with an index; the services that change an
input call lead_score_refresh. The formula is in docs/recruiters.md.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from . import hooks
from .models import Lead

# Role words that suggest the people the firm places, and what each is worth (the highest
# matching word counts, once). docs/recruiters.md lists them for staff: change both together.
ROLE_KEYWORDS = {
    "director": 20,
    "head": 20,
    "vp": 20,
    "vice president": 20,
    "chief": 20,
    "principal": 15,
    "lead": 15,
    "manager": 15,
    "senior": 12,
    "engineer": 10,
    "developer": 10,
    "analyst": 8,
}
CONFIRMED_POINTS = 10
MAX_SCORE = 100


@dataclass(frozen=True)
class ScorePart:
    """Points for one reason, e.g. ScorePart(15, "engagement", "downloaded the whitepaper")."""

    points: int
    kind: str  # "fit" or "engagement"
    why: str


def role_points(role: str) -> int:
    padded = f" {role.lower().replace(',', ' ').replace('/', ' ')} "
    matches = [points for word, points in ROLE_KEYWORDS.items() if f" {word} " in padded]
    return max(matches, default=0)


def score_parts(lead: Lead) -> list[ScorePart]:
    """Every reason the lead has points, leads' own and those other apps add (hooks)."""
    parts = []
    if points := role_points(lead.current_role):
        parts.append(ScorePart(points, "fit", f"role “{lead.current_role}”"))
    if lead.confirmed_at:
        parts.append(ScorePart(CONFIRMED_POINTS, "engagement", "confirmed their address"))
    for provider in hooks.LEAD_SCORE_PARTS.registered():
        parts.extend(provider(lead=lead))
    return parts


def lead_score(lead: Lead) -> int:
    if lead.erased_at:
        return 0
    return max(0, min(MAX_SCORE, sum(part.points for part in score_parts(lead))))


def lead_score_refresh(*, lead: Lead) -> int:
    """Recompute and store the score (an update of one column: no history row, no save()).

    `lead` must be current (its role, confirmation and erasure as saved).
    """
    score = lead_score(lead)
    Lead.objects.filter(pk=lead.pk).update(score=score)
    lead.score = score
    return score


def leads_score_refresh(*, leads: QuerySet[Lead] | None = None) -> int:
    """Recompute the score of many leads (all by default): after the formula changes, or once
    after the score was added. A few queries a lead; returns how many."""
    leads = Lead.objects.all() if leads is None else leads
    ids = list(leads.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        for lead in Lead.objects.filter(pk__in=ids[start : start + 500]):
            lead_score_refresh(lead=lead)
    return len(ids)
