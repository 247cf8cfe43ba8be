"""The iCalendar text of a booked call's invitation (RFC 5545, with iTIP's METHOD, RFC 5546).

The times are written in the visitor's own zone (TZID) with a VTIMEZONE that describes it,
so a calendar shows the call at the hour the visitor was told, whatever zone the calendar
itself is in. Only the years around the call are described: a full history of the zone
would make the invitation many times longer and tell a calendar nothing it needs.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Call

REQUEST = "REQUEST"
CANCEL = "CANCEL"
# How much of the zone's rules the VTIMEZONE carries, either side of the call.
_ZONE_RULES_MARGIN = timedelta(days=366)


def _address(email: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    for name, value in params.items():
        address.params[name] = vText(value) if name == "cn" else value
    return address


def invitation_ics(
    *, call: Call, method: str, summary: str, description: str, now: datetime | None = None
) -> str:
    """The invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL) as .ics text."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"Unknown iTIP method {method!r}")
    lead = call.request.lead
    zone = ZoneInfo(call.request.time_zone)
    starts = timezone.localtime(call.starts_at, zone)

    event = Event()
    event.add("uid", call.uid)
    event.add("sequence", call.sequence)
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=call.minutes))
    event.add("summary", summary)
    event.add("description", description)
    if call.medium == Call.Medium.VIDEO and call.video_url:
        event.add("location", call.video_url)
        event.add("url", call.video_url)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(settings.RECRUITING_TEAM_EMAIL, cn=settings.FIRM_NAME))
    event.add(
        "attendee",
        _address(
            lead.email,
            cn=lead.first_name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp="TRUE",
        ),
    )

    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.FIRM_NAME}//Call invitations//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(event)
    day = starts.date()
    calendar.add_missing_timezones(
        first_date=day - _ZONE_RULES_MARGIN, last_date=day + _ZONE_RULES_MARGIN
    )
    ics: bytes = calendar.to_ical()
    return ics.decode()
