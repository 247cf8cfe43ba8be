"""The follow-up sequence the site starts with: three emails, written for this firm.

Loaded only into an empty sequence, so running it again never duplicates a step and never
undoes what staff changed, switched off or deleted.
"""

from django.db import transaction

from .models import FollowUpStep

# The result bands of the initial quiz. Staff can re-aim any step in the admin.
JOB_FOCUSED = "Job focused"
BETWEEN = "Between the two"
CAREER_FOCUSED = "Career focused"

STEPS: list[dict] = [
    {
        "order": 1,
        "delay_days": 2,
        "segments": [],
        "subject": "Build leadership experience before you have the title",
        "body": (
            "A few years ago we spoke with one of the best regional sales people in solar. "
            "His goal was to lead a sales organization. But he had been so busy selling that "
            "he never led anyone, and when his boss left and he decided to move, the best "
            "he could hope for was a sideways step into the same role somewhere else.\n\n"
            "You don't need a new job to avoid that. You can build leadership experience "
            "where you are, starting this month:\n\n"
            "- Offer to mentor the next new hire through their first ninety days.\n"
            "- Ask to run a special project team: a new product launch, a territory review, "
            "a process that everyone complains about.\n"
            "- Volunteer to train others on what you do best.\n"
            "- Keep a short record of each one: who, what, and the result in numbers.\n\n"
            "Then, when the right role comes up, you are the person who has already led, not "
            "the person who would like to.\n\n"
            "Reply to this email if you would like to talk any of this through."
        ),
    },
    {
        "order": 2,
        "delay_days": 7,
        "segments": [],
        "subject": "What recruiters look for in a sales leader",
        "body": (
            "When a solar company asks us to find a sales leader, a great quota record gets "
            "you onto the list. It rarely gets you the job on its own. These are the things "
            "that do:\n\n"
            "1. People you have developed. Names of colleagues you trained or mentored, and "
            "what they went on to do.\n"
            "2. Teams you have led without the title: a project, a launch, a key account "
            "group.\n"
            "3. A clear picture of where you are going, and why this role is the next step "
            "on that path.\n"
            "4. Knowing the skills the role needs that you don't have yet, and how you are "
            "getting them.\n"
            "5. Being willing to move when and where it helps, whether that is a new "
            "company, a new region or a new part of the market.\n\n"
            "Look at that list against your last year. Where there is a gap, there is "
            "usually a small step you can take in your current role to close it."
        ),
    },
    {
        "order": 3,
        "delay_days": 14,
        "segments": [BETWEEN, CAREER_FOCUSED],
        "subject": "A confidential conversation about your next step",
        "body": (
            "Your answers suggest you think about your career, not just your job. If you "
            "would like a second opinion on your next step, one of our recruiters will "
            "gladly talk it through with you.\n\n"
            "It is a confidential, no-obligation call of about twenty minutes. We will ask "
            "where you want to be in five years, what stands between you and that, and "
            "what the solar and clean-energy market looks like for someone with your "
            "experience right now. Nobody at your company will hear about it, and we will "
            "never share your details without your say-so.\n\n"
            "To book a time, simply reply to this email with two or three times that suit "
            "you."
        ),
    },
]


def load_follow_ups() -> list[str]:
    """Create the starter sequence when there is none yet; otherwise leave it alone."""
    with transaction.atomic():
        if FollowUpStep.objects.select_for_update().exists():
            return []
        FollowUpStep.objects.bulk_create(FollowUpStep(**step) for step in STEPS)
    return [f"Created the follow-up sequence: {len(STEPS)} emails."]
