"""Reading a call invitation back as a calendar program would: from the message's bytes."""

import email
import email.policy
from dataclasses import dataclass

from icalendar import Calendar


@dataclass
class Invitation:
    message: email.message.EmailMessage
    content_type: str  # the text/calendar part's, with its parameters
    calendar: Calendar
    attachment: Calendar  # invite.ics, parsed too

    @property
    def event(self):
        [event] = self.calendar.events
        return event


def invitation_from_bytes(raw: bytes) -> Invitation:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [attached] = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
    return Invitation(
        message=message,
        content_type=part["Content-Type"],
        calendar=Calendar.from_ical(part.get_content()),
        attachment=Calendar.from_ical(attached.get_content()),
    )
