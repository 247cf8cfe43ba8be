"""The quiz and whitepaper the site starts with. Safe to run again: staff edits are kept.

Each piece is created only when its slug is new. An existing quiz or whitepaper is left
exactly as staff made it, questions, bands and links included.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from .advice import DEFAULT_WORDING
from .models import Assessment, Question, ResultBand, Sign, Trait, Whitepaper
from .services import question_scale_add
from .whitepaper_pdf import SUBTITLE, TITLE, whitepaper_pdf_bytes

WHITEPAPER_SLUG = "dont-blow-it"
ASSESSMENT_SLUG = "career-or-job-focused"

# (statement, trait): job-focused statements are reverse scored.
QUESTIONS: list[tuple[str, Trait]] = [
    (
        "I can describe where I want my career to be in five to ten years.",
        Trait.LONG_TERM_VISION,
    ),
    ("As long as the bills are paid, I'm comfortable staying where I am.", Trait.COMFORTABLE),
    (
        "I know the main steps between my current role and the role I want.",
        Trait.PATH_OUTLINE,
    ),
    (
        "It would take a big change, like a new boss or a pay cut, for me to think about moving.",
        Trait.NEEDS_BIG_CHANGE,
    ),
    (
        "I know which skills I still need for my next role, and how I will get them.",
        Trait.SKILLS_PLAN,
    ),
    (
        "I'm generally satisfied in my role and rarely think about what comes next.",
        Trait.SATISFIED,
    ),
    (
        "I would change employer, or even city, if it were the right step towards my goal.",
        Trait.WILLING_TO_MOVE,
    ),
    ("I worry that a new role might not live up to my expectations.", Trait.FEARS_NEW_ROLE),
    (
        "I take on work beyond my job description, such as mentoring newer colleagues or "
        "leading project teams, to build experience for my next step.",
        Trait.SKILLS_PLAN,
    ),
    (
        "I only look at other opportunities when something at work goes wrong.",
        Trait.NEEDS_BIG_CHANGE,
    ),
]

# Ten questions scored 1-5: totals run from 10 to 50.
BANDS: list[dict] = [
    {
        "min_score": 10,
        "max_score": 23,
        "title": "Job focused",
        "summary": (
            "You do your job well and you value stability. Right now your job gets more of "
            "your attention than your career, and that is the easiest thing to change."
        ),
        "advice": (
            "That can be the right call for a season: a new baby, aging parents or a child "
            "finishing high school all take time. Just don't lose sight of where you want to "
            "end up. Write your long-term goal in one sentence, and list the skills between "
            "you and it. Then pick one small step this quarter, such as mentoring a new "
            "colleague, so that when change comes you have choices, and your next move is up "
            "rather than sideways."
        ),
    },
    {
        "min_score": 24,
        "max_score": 36,
        "title": "Between the two",
        "summary": (
            "You already have some of the habits of a career-focused professional, and the "
            "steadiness of a job-focused one: a strong base to build on."
        ),
        "advice": (
            "This is where most people are, and where the biggest gains are. Turn your vision "
            "into an outline: the role you want, the steps before it, the skills each step "
            "needs. Then build experience before you need the title: mentor newer people, "
            "lead a special project team, train others. Decide now what a move would have to "
            "offer, so a good opportunity is a decision, not a crisis."
        ),
    },
    {
        "min_score": 37,
        "max_score": 50,
        "title": "Career focused",
        "summary": (
            "You know where you are going, what it takes to get there, and you are willing to "
            "move when it helps."
        ),
        "advice": (
            "Keep it that way. Check your plan every six months, because solar and clean "
            "energy change fast. Keep adding leadership experience, such as mentoring and "
            "leading project teams, so your record shows you can already do the next job. "
            "Stay in touch with a recruiter who knows the industry, so that when the right "
            "role appears, the timing is yours."
        ),
    },
]

INTRODUCTION = (
    "Almost everyone says they are career focused, but many people aren't sure of their next "
    "step or the skills it takes. Rate ten short statements to see where you stand today, "
    "which signs of a career focus you already show, and which to work on. You then get our "
    "whitepaper \u201cDon\u2019t Blow It\u201d."
)


def load_whitepaper() -> tuple[Whitepaper, str]:
    existing = Whitepaper.objects.filter(slug=WHITEPAPER_SLUG).first()
    if existing:
        return existing, f"Whitepaper '{WHITEPAPER_SLUG}' already exists: left as it is."
    whitepaper = Whitepaper(
        title="Don\u2019t Blow It",
        slug=WHITEPAPER_SLUG,
        description=(
            f"{SUBTITLE}. Building leadership experience early, knowing the skills you need, "
            "being ready to move, and not getting too comfortable."
        ),
    )
    pdf = whitepaper_pdf_bytes(firm_name=settings.FIRM_NAME)
    # The file is written before the row; a failed transaction leaves at most an orphan file.
    whitepaper.file.save(f"{WHITEPAPER_SLUG}.pdf", ContentFile(pdf), save=False)
    whitepaper.save()
    return whitepaper, f"Whitepaper '{WHITEPAPER_SLUG}' ({TITLE}) created in private storage."


@transaction.atomic
def load_assessment() -> tuple[Assessment, list[str]]:
    """Create the quiz, its questions, bands and whitepaper, unless they already exist."""
    whitepaper, report = load_whitepaper()
    existing = Assessment.objects.filter(slug=ASSESSMENT_SLUG).first()
    if existing:
        return existing, [report, f"Assessment '{ASSESSMENT_SLUG}' already exists: left as it is."]
    assessment = Assessment.objects.create(
        title="Are you career focused or job focused?",
        slug=ASSESSMENT_SLUG,
        introduction=INTRODUCTION,
        estimated_minutes=4,
        whitepaper=whitepaper,
        is_active=True,
    )
    for n, (text, trait) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            assessment=assessment,
            order=n * 10,  # gaps, so staff can slot a question in between
            text=text,
            trait=trait,
            reverse_scored=not trait.is_career_focused,
        )
        question_scale_add(question=question)
    ResultBand.objects.bulk_create(ResultBand(assessment=assessment, **b) for b in BANDS)
    return assessment, [
        report,
        f"Assessment '{ASSESSMENT_SLUG}' created with {len(QUESTIONS)} questions.",
    ]


def load_signs() -> list[str]:
    """The wording of each sign that has none yet, from the default copy in advice.py."""
    have = set(Sign.objects.values_list("trait", flat=True))
    missing = [trait for trait in Trait.values if trait not in have]
    Sign.objects.bulk_create(
        Sign(
            trait=trait,
            name=DEFAULT_WORDING[trait].name,
            strength=DEFAULT_WORDING[trait].strength,
            next_step=DEFAULT_WORDING[trait].next_step,
        )
        for trait in missing
    )
    if not missing:
        return ["Sign wording already exists for all eight signs: left as it is."]
    return [f"Sign wording created for {len(missing)} sign(s), from the default copy."]
