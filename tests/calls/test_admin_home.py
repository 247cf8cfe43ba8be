"""The admin home's "Call requests" box: a recruiter's requests, the overdue ones and all
open ones, each linking to that list; the same queries however many requests there are."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.models import CallRequest
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    call_command("load_initial_content", stdout=StringIO())
    users = get_user_model().objects
    rita = users.create_user("rita", password="x", is_staff=True)
    rita.groups.add(Group.objects.get(name="Recruiters"))
    sam = users.create_user("sam", password="x", is_staff=True)
    sam.groups.add(Group.objects.get(name="Recruiters"))
    return rita, sam


def make_call(*, to=None, late: bool = False, status=CallRequest.Status.OPEN) -> CallRequest:
    now = timezone.now()
    return CallRequest.objects.create(
        lead=make_lead(),
        status=status,
        time_zone="America/Denver",
        first_choice=now + timedelta(days=2),
        assigned_to=to,
        due_at=now - timedelta(minutes=5) if late else now + timedelta(hours=2),
    )


def figures(client) -> dict[str, str]:
    home = client.get("/admin/").content.decode()
    box = home.split('id="call-work"', 1)[1].split("</div>", 1)[0]
    return dict(re.findall(r'callrequest/\?work=(\w+)">[^<]+</a></th><td>(\d+)</td>', box))


def test_a_recruiter_sees_their_requests_the_overdue_and_all_open_each_a_link(client, staff):
    rita, sam = staff
    mine = make_call(to=rita)
    mine_late = make_call(to=rita, late=True)
    make_call(to=rita, status=CallRequest.Status.SCHEDULED, late=True)  # booked: not waiting
    make_call(to=rita, status=CallRequest.Status.DONE)
    sams_late = make_call(to=sam, late=True)
    nobodys = make_call()
    client.force_login(rita)

    assert figures(client) == {"mine": "2", "overdue": "2", "open": "4"}

    def listed(work: str) -> set[int]:
        page = client.get(f"/admin/calls/callrequest/?work={work}")
        assert page.status_code == 200
        return {call.pk for call in page.context["cl"].result_list}

    assert listed("mine") == {mine.pk, mine_late.pk}
    assert listed("overdue") == {mine_late.pk, sams_late.pk}
    assert listed("open") == {mine.pk, mine_late.pk, sams_late.pk, nobodys.pk}

    client.force_login(sam)
    assert figures(client) == {"mine": "1", "overdue": "2", "open": "4"}


def test_staff_who_do_not_work_leads_see_no_call_figures(client, staff):
    make_call(late=True)
    editor = get_user_model().objects.create_user("eddie", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert 'id="call-work"' not in home.content.decode()


def test_the_admin_home_runs_the_same_queries_however_many_requests(client, staff):
    rita, sam = staff
    client.force_login(rita)
    make_call(to=rita)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(20):
        make_call(to=(rita, sam, None)[n % 3], late=n % 2 == 0)
    assert queries() == few
    assert figures(client) == {"mine": "8", "overdue": "10", "open": "21"}


def test_the_three_figures_are_one_query(django_assert_num_queries, staff):
    rita, _ = staff
    make_call(to=rita, late=True)
    with django_assert_num_queries(1):
        counts = CallRequest.objects.work_counts(user_id=rita.pk, now=timezone.now())
    assert counts == {"mine": 1, "overdue": 1, "open": 1}
