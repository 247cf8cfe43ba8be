"""A slot the pace booked is used only on time; a late message books again."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from leads.pace import GO, Verdict, slot_still_good
from leads.services import email_deliver
from tests.leads.factories import enqueue, make_lead


def test_a_slot_is_good_for_half_a_spacing(settings):
    settings.EMAIL_RATE_PER_MINUTE = 60  # one a second: half a second of slack
    settings.EMAIL_RATE_PER_DOMAIN_PER_MINUTE = 0
    now = timezone.now()
    assert slot_still_good(now.timestamp() + 5, now)  # early: the claim waits for it
    assert slot_still_good(now.timestamp() - 0.4, now)
    assert not slot_still_good(now.timestamp() - 0.6, now)
    settings.EMAIL_RATE_PER_DOMAIN_PER_MINUTE = 600  # the tighter spacing decides
    assert not slot_still_good(now.timestamp() - 0.06, now)


@pytest.mark.django_db
@pytest.mark.parametrize(("late", "asks_again"), [(0.1, False), (30.0, True)])
def test_a_booked_message_goes_without_asking_unless_it_is_late(settings, late, asks_again):
    settings.EMAIL_RATE_PER_MINUTE = 60
    email = enqueue(make_lead())
    slot_at = timezone.now().timestamp() - late
    with mock.patch("leads.services.take_slot", return_value=GO) as take:
        email_deliver(email_id=email.pk, slot_at=slot_at)
    assert take.called is asks_again
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_message_the_pace_holds_is_handed_back_with_its_slot(settings):
    email = enqueue(make_lead())
    verdict = Verdict(wait=timedelta(seconds=3), booked=True)
    with (
        mock.patch("leads.services.take_slot", return_value=verdict),
        mock.patch("leads.services.email_dispatch") as dispatch,
    ):
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert len(mail.outbox) == 0
    assert (email.status, email.attempts, email.last_error) == (
        "queued",
        0,
        "Held by the sending pace.",
    )
    assert email.claimed_at is not None  # so the sweeper leaves it to the booked task
    [call] = dispatch.call_args_list
    assert call.kwargs["email_id"] == email.pk
    assert 2.5 < call.kwargs["countdown"] <= 3
    assert call.kwargs["slot_at"] == pytest.approx(email.send_at.timestamp())
