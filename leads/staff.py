"""Who may work leads: the people the owner menus offer.

Only active staff who may change leads (superusers, the Recruiters group, or anyone given
the permission directly). Offering an editor would hand them leads they get a 403 on.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

WORK_LEADS = Q(
    user_permissions__content_type__app_label="leads",
    user_permissions__codename="change_lead",
) | Q(
    groups__permissions__content_type__app_label="leads",
    groups__permissions__codename="change_lead",
)


def lead_workers() -> QuerySet[AbstractBaseUser]:
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    matching = users.filter(Q(is_superuser=True) | WORK_LEADS).values("pk")
    # By id, so the menu's own ordering and DISTINCT never fight over the joins.
    return users.filter(pk__in=matching).order_by("first_name", "last_name", "username")
