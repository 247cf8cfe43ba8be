"""The time zones a visitor can pick when the browser's own can't be read (JavaScript off)."""

from functools import cache
from zoneinfo import available_timezones

# The firm's visitors are mostly in North America; the browser's script adds any other zone.
COMMON_ZONES = (
    ("America/New_York", "Eastern time (New York)"),
    ("America/Chicago", "Central time (Chicago)"),
    ("America/Denver", "Mountain time (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix)"),
    ("America/Los_Angeles", "Pacific time (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Halifax", "Atlantic time (Halifax)"),
    ("America/Toronto", "Eastern time (Toronto)"),
    ("America/Vancouver", "Pacific time (Vancouver)"),
    ("America/Mexico_City", "Mexico City"),
    ("Europe/London", "UK (London)"),
    ("Europe/Berlin", "Central Europe (Berlin)"),
    ("Asia/Kolkata", "India (Kolkata)"),
    ("Australia/Sydney", "Australia (Sydney)"),
    ("UTC", "UTC"),
)


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_choices(*, selected: str = "") -> list[tuple[str, str]]:
    """The common zones, plus `selected` (the browser's, or the one saved) if it is another."""
    choices = list(COMMON_ZONES)
    if selected and selected in known_zones() and selected not in dict(choices):
        choices.insert(0, (selected, selected.replace("_", " ")))
    return choices
