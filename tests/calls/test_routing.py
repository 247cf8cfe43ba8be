"""Who gets a call request: staff's rules by result and role, else each available recruiter
in turn; nobody away, nobody who may not work leads."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from calls.models import CallRequest, RecruiterStatus, RoutingRule
from calls.services import call_request_route, call_request_submit
from tests.leads.factories import make_lead

from .factories import a_choice, make_recruiter

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return {name: make_recruiter(name) for name in ("amy", "bob", "cat")}


def _route(**lead_fields):
    return call_request_route(lead=make_lead(**lead_fields))


def test_a_rule_by_result_sends_the_request_to_its_recruiter(team):
    RoutingRule.objects.create(order=1, band="Career focused", recruiter=team["cat"])
    routing = _route(segment="Career focused")
    assert routing.recruiter == team["cat"] and "Career focused" in routing.reason
    assert _route(segment="Job focused").reason == "In turn (round robin)"


def test_a_rule_by_role_keywords_matches_any_word_in_any_case(team):
    RoutingRule.objects.create(
        order=1, role_keywords="installer, Electrician", recruiter=team["bob"]
    )
    assert _route(current_role="Lead Solar INSTALLER").recruiter == team["bob"]
    assert _route(current_role="Master electrician").recruiter == team["bob"]


def test_the_first_matching_rule_wins_and_inactive_rules_are_skipped(team):
    RoutingRule.objects.create(
        order=1, band="Career focused", recruiter=team["amy"], is_active=False
    )
    RoutingRule.objects.create(
        order=2, band="Career focused", role_keywords="sales", recruiter=team["bob"]
    )
    RoutingRule.objects.create(order=3, band="Career focused", recruiter=team["cat"])
    assert _route(segment="Career focused", current_role="Sales lead").recruiter == team["bob"]
    assert _route(segment="Career focused", current_role="Engineer").recruiter == team["cat"]


def test_a_rules_recruiter_who_is_away_is_passed_over(team):
    RoutingRule.objects.create(order=1, band="Career focused", recruiter=team["cat"])
    RecruiterStatus.objects.create(user=team["cat"], away=True, note="back Monday")
    routing = _route(segment="Career focused")
    assert routing.recruiter in (team["amy"], team["bob"])
    assert routing.reason == "In turn (round robin)"


def test_without_a_rule_requests_go_round_in_turn_skipping_anyone_away(team):
    RecruiterStatus.objects.create(user=team["bob"], away=True)
    chosen = []
    for _ in range(4):
        call = call_request_submit(lead=make_lead(), choice=a_choice())
        chosen.append(call.assigned_to.username)
    assert chosen == ["amy", "cat", "amy", "cat"]


def test_people_who_may_not_work_leads_never_get_one(team):
    users = get_user_model().objects
    users.create_user("eddie", password="x", is_staff=True, email="eddie@firm.example")
    users.create_user("gone", password="x", is_staff=True, is_active=False)
    chosen = {call_request_route(lead=make_lead()).recruiter for _ in range(3)}
    assert chosen <= set(team.values())


def test_with_everyone_away_the_team_is_told(team, settings, django_capture_on_commit_callbacks):
    settings.RECRUITING_TEAM_EMAIL = "recruiting@firm.example"
    for user in team.values():
        RecruiterStatus.objects.create(user=user, away=True)
    with django_capture_on_commit_callbacks(execute=True):
        call = call_request_submit(lead=make_lead(), choice=a_choice())
    assert call.assigned_to is None and call.routed_by.startswith("Nobody available")
    [notice] = mail.outbox
    assert notice.to == ["recruiting@firm.example"]


def test_a_recruiter_without_an_email_address_has_the_notice_go_to_the_team(
    settings, django_capture_on_commit_callbacks
):
    make_recruiter("nomail", email="")
    with django_capture_on_commit_callbacks(execute=True):
        call = call_request_submit(lead=make_lead(), choice=a_choice())
    assert call.assigned_to.username == "nomail"
    assert mail.outbox[0].to == [settings.RECRUITING_TEAM_EMAIL]
    assert CallRequest.objects.count() == 1
