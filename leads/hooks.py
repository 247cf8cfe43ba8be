"""The places where apps above leads plug in what leads must not import.

leads knows nothing of quizzes, yet a lead's GDPR export and erasure, its admin page, the
follow-up audiences and the email previews need the quiz's data. The upper app registers
its pieces here from its AppConfig.ready(); leads calls whatever is registered. The system
check in leads/checks.py proves at start-up that each hook point has what it needs, with
the right signature, instead of a GDPR erasure failing on the day someone asks for one.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class HookPoint:
    """One kind of plug-in: what it must look like, and who registered one."""

    name: str
    description: str
    # Keyword arguments leads passes; a registered callable must accept exactly these.
    keywords: tuple[str, ...] = ()
    # Only one may be registered (leads asks a single question, e.g. "which segments?").
    single: bool = False
    # The site is not complete without one: the system check fails when none is registered.
    required: bool = True
    # For a class rather than a callable: the base class it must extend.
    base: str = ""
    _items: list[Any] = field(default_factory=list, repr=False)

    def register(self, item: Any) -> Any:
        """Add one (registering the same object twice is harmless); usable as a decorator."""
        if item not in self._items:
            self._items.append(item)
        return item

    def registered(self) -> list[Any]:
        return list(self._items)

    @contextmanager
    def replaced(self, items: list[Any]) -> Iterator[None]:
        """For tests: these items instead of the registered ones, for the block's length."""
        saved = self._items
        self._items = list(items)
        try:
            yield
        finally:
            self._items = saved

    def problems(self) -> list[str]:
        """What is wrong with this point's registrations, in words staff can act on."""
        if not self._items:
            return [f"nothing is registered for {self.name}"] if self.required else []
        found = []
        if self.single and len(self._items) > 1:
            names = ", ".join(_dotted(item) for item in self._items)
            found.append(f"{self.name} takes one registration, found {len(self._items)}: {names}")
        for item in self._items:
            found.extend(self._shape_problems(item))
        return found

    def _shape_problems(self, item: Any) -> list[str]:
        if self.base:
            from django.utils.module_loading import import_string

            base = import_string(self.base)
            if not (inspect.isclass(item) and issubclass(item, base)):
                return [f"{_dotted(item)} is registered for {self.name} but is not a {self.base}"]
            return []
        if not callable(item):
            return [f"{_dotted(item)} is registered for {self.name} but can't be called"]
        try:
            signature = inspect.signature(item)
        except (TypeError, ValueError):
            return []  # a builtin without a readable signature: trust it
        try:
            signature.bind(**dict.fromkeys(self.keywords))
        except TypeError:
            wanted = ", ".join(f"{k}=" for k in self.keywords) or "no arguments"
            return [
                f"{_dotted(item)} is registered for {self.name} but can't be called with "
                f"{wanted} (its signature is {signature})"
            ]
        return []


def _dotted(item: Any) -> str:
    return f"{getattr(item, '__module__', '?')}.{getattr(item, '__qualname__', repr(item))}"


SEGMENT_CHOICES = HookPoint(
    "segment_choices",
    "The results a lead can have, as (value, label) pairs: the follow-up step's audiences.",
    single=True,
)
PERSONAL_DATA_EXPORTERS = HookPoint(
    "personal_data_exporters",
    "Functions taking lead= that return a dict of extra sections for a GDPR export.",
    keywords=("lead",),
)
PERSONAL_DATA_ERASERS = HookPoint(
    "personal_data_erasers",
    "Functions taking lead= that erase what their app holds about the person.",
    keywords=("lead",),
)
LEAD_ADMIN_INLINES = HookPoint(
    "lead_admin_inlines",
    "Read-only inlines shown on a lead's admin page (their model has a foreign key to Lead).",
    base="django.contrib.admin.options.InlineModelAdmin",
)
EMAIL_PREVIEW_SAMPLES = HookPoint(
    "email_preview_samples",
    "Functions taking lead= (a made-up reader) that return leads.previews.EmailSample rows.",
    keywords=("lead",),
)
# The lead page's timeline, the score and the CSV: apps above add what they know of a lead.
# None is required: a site without the calls app simply shows no calls.
LEAD_TIMELINE_ENTRIES = HookPoint(
    "lead_timeline_entries",
    "Functions taking lead= that return leads.timeline.Entry rows (quiz results, downloads, "
    "call requests and calls) for the lead page's timeline. A fixed number of queries each.",
    keywords=("lead",),
    required=False,
)
LEAD_SCORE_PARTS = HookPoint(
    "lead_score_parts",
    "Functions taking lead= that return leads.scoring.ScorePart rows: the fit or engagement "
    "points the app knows of (the quiz result, downloads, call requests).",
    keywords=("lead",),
    required=False,
)
LEAD_CALL_STATUS = HookPoint(
    "lead_call_status",
    "One function taking lead_ids= that returns {lead id: call status in words} for the "
    "CSV export, in one query however many ids.",
    keywords=("lead_ids",),
    single=True,
    required=False,
)
EMAIL_CONTEXT = HookPoint(
    "email_context",
    "Functions taking lead= that return extra context for every email to that lead (the "
    "call-request link in the result email and the follow-ups).",
    keywords=("lead",),
    required=False,  # the emails read well without the extra links
)
FOLLOW_UP_STOPPERS = HookPoint(
    "follow_up_stoppers",
    "Functions taking lead= that return why no follow-up may go to the lead now (a call "
    "with a recruiter is booked), or an empty string.",
    keywords=("lead",),
    required=False,  # without one, consent and the steps alone decide
)

HOOK_POINTS: tuple[HookPoint, ...] = (
    SEGMENT_CHOICES,
    PERSONAL_DATA_EXPORTERS,
    PERSONAL_DATA_ERASERS,
    LEAD_ADMIN_INLINES,
    EMAIL_PREVIEW_SAMPLES,
    EMAIL_CONTEXT,
    FOLLOW_UP_STOPPERS,
    LEAD_TIMELINE_ENTRIES,
    LEAD_SCORE_PARTS,
    LEAD_CALL_STATUS,
)
