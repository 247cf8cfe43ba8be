"""Test data for call requests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from calls.services import CallChoice


def make_recruiter(username: str, **fields):
    """Active staff who may work leads (the permission given directly)."""
    defaults = {"is_staff": True, "email": f"{username}@firm.example", "first_name": username}
    user = get_user_model().objects.create_user(username, password="x", **(defaults | fields))
    user.user_permissions.add(Permission.objects.get(codename="change_lead"))
    return user


def local_time(*, days: int = 3, hour: int = 10, zone: str = "America/New_York") -> datetime:
    """A wall-clock time some days ahead in `zone`, naive, as a visitor types it."""
    day = timezone.localtime(timezone.now(), ZoneInfo(zone)).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0)


def form_data(**fields) -> dict[str, str]:
    """What the form posts: a datetime-local value, as Chromium sends it."""
    defaults = {
        "time_zone": "America/New_York",
        "first_choice": local_time().strftime("%Y-%m-%dT%H:%M"),
        "second_choice": "",
        "phone": "(303) 555-0123",
        "message": "Mornings are best.",
    }
    return defaults | fields


def a_choice(**fields) -> CallChoice:
    zone = ZoneInfo("America/New_York")
    defaults = {
        "time_zone": "America/New_York",
        "first_choice": local_time().replace(tzinfo=zone),
        "second_choice": None,
        "phone": "+13035550123",
        "message": "",
    }
    return CallChoice(**(defaults | fields))


def firm_time(*, days: int = 3, hour: int = 9, minute: int = 0) -> datetime:
    """An aware time some days ahead in the firm's zone (TIME_ZONE), as staff enter it."""
    zone = ZoneInfo(settings.TIME_ZONE)
    day = timezone.localtime(timezone.now(), zone).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def booking_data(call_request, starts_at: datetime | None, **fields) -> dict[str, object]:
    """What the admin's change page posts to book the call (its datetime-local input)."""
    local = timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M") if starts_at else ""
    defaults = {
        "status": call_request.status,
        "assigned_to": call_request.assigned_to_id or "",
        "call_starts_at": local,
        "call_minutes": "30",
        "call_medium": "phone",
        "call_video_url": "",
    }
    return defaults | fields
