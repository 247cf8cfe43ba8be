"""The two kinds of staff, as Django groups with model permissions.

Editors shape what visitors read and receive; recruiters work the people who answered.
Neither group may delete leads: personal data is erased or exported only by superusers
(the GDPR actions check is_superuser themselves).
"""

from django.contrib.auth.models import Group, Permission

ALL = ("add", "change", "delete", "view")

# group name -> {"app_label.model": permission actions}
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "Editors": {
        "articles.article": ALL,
        "articles.author": ALL,
        "articles.testimonial": ALL,
        "articles.placementfigure": ALL,
        "assessment.assessment": ALL,
        "assessment.question": ALL,
        "assessment.choice": ALL,
        "assessment.resultband": ALL,
        "assessment.whitepaper": ALL,
        "assessment.sign": ALL,  # the signs' wording on the result page and email
        "leads.followupstep": ALL,  # the follow-up emails' text, and their previews
    },
    "Recruiters": {
        "leads.lead": ("view", "change"),
        "leads.leadnote": ("view", "add"),  # notes are never edited: a new one corrects
        "leads.leadtask": ("view", "add", "change"),  # change: tick a task done
        "leads.outboundemail": ("view", "change"),  # change: resend a failed email
        "leads.suppression": ("view",),  # why an address gets no mail; lifting needs change
        "assessment.submission": ("view",),
        "assessment.answer": ("view",),
        "assessment.download": ("view",),
        "calls.callrequest": ("view", "change"),  # change: status and who calls back
        "calls.routingrule": ALL,  # who gets which call requests
        "calls.recruiterstatus": ALL,  # who is away
        "calls.holiday": ALL,  # days the firm is closed: deadlines skip them
    },
}

# Permissions of their own, not tied to a model's add/change/delete/view: "app_label.codename".
EXTRA: dict[str, tuple[str, ...]] = {
    "Recruiters": ("insights.view_insights",),  # the insights page and its CSV files
}


def staff_groups_load() -> list[str]:
    """Create the groups, or add permissions they lack; never removes what staff added."""
    report = []
    for name, models in GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        wanted = [
            Permission.objects.get(
                content_type__app_label=label.split(".")[0],
                codename=f"{action}_{label.split('.')[1]}",
            )
            for label, actions in models.items()
            for action in actions
        ]
        wanted += [
            Permission.objects.get(
                content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1]
            )
            for perm in EXTRA.get(name, ())
        ]
        missing = set(wanted) - set(group.permissions.all())
        if missing:
            group.permissions.add(*missing)
        if created or missing:
            report.append(f"Staff group '{name}': {len(missing)} permissions added.")
    return report
