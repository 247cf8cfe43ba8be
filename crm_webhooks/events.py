"""The events the site sends to the firm's CRM, and the envelope every payload shares.

The names are the contract with receivers (docs/webhooks.md, docs/webhooks.schema.json):
add new ones, never rename. The apps that make an event build its `data`; this app only
carries it, so it knows nothing of leads or quizzes.
"""

from django.db import models


class Event(models.TextChoices):
    LEAD_CREATED = "lead.created", "lead.created: a new lead"
    LEAD_UPDATED = "lead.updated", "lead.updated: a lead's details, status or owner changed"
    SUBMISSION_COMPLETED = "submission.completed", "submission.completed: a quiz result"
    CALL_REQUESTED = "call.requested", "call.requested: a visitor asked for a call"
    CALL_SCHEDULED = "call.scheduled", "call.scheduled: a call was booked"
    LEAD_UNSUBSCRIBED = "lead.unsubscribed", "lead.unsubscribed: no more follow-ups"
    LEAD_ERASED = "lead.erased", "lead.erased: personal data erased (the id only)"


EVENT_NAMES: frozenset[str] = frozenset(Event.values)
