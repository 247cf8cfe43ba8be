"""Whatever people (or bots) type into the public forms: never a 500, never reflected raw."""

import secrets

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.assessment.walk import answer_all, details_url
from tests.factories import make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db

ATTACKS = [
    "<script>alert({tag})</script>",
    '"><img src=x onerror=alert({tag})>',
    "javascript:alert({tag})",
    "' OR '1'='1' -- {tag}",
    "'; DROP TABLE leads_lead; -- {tag}",
    "{{{{ {tag} }}}}{{% debug %}}",
]
junk = st.one_of(
    st.text(max_size=200),  # any unicode, control characters included
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=50),
    st.integers(min_value=1_000, max_value=20_000).map(lambda n: "é" * n),  # huge
)
values = st.tuples(junk, st.sampled_from(ATTACKS)).map(
    lambda pair: pair[0] + pair[1].format(tag=secrets.token_hex(4))
)
FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def quiz(settings):
    settings.RATELIMIT_ENABLE = False  # this is about input, not volume
    return make_quiz(questions=2, whitepaper=make_whitepaper())


def assert_safe(response, *sent: str) -> None:
    assert response.status_code < 500
    html = response.content.decode(errors="replace")
    for value in sent:
        if any(mark in value for mark in "<>\"'"):
            assert value not in html, "a value came back unescaped"


@FUZZ
@given(first_name=values, email=values, role=values, honeypot=st.sampled_from(["", "x"]))
def test_the_details_form_survives_anything(client, quiz, first_name, email, role, honeypot):
    answer_all(client, quiz)
    data = {
        "first_name": first_name,
        "email": email,
        "current_role": role,
        "website": honeypot,
    }
    response = client.post(details_url(quiz), data, follow=True)
    assert_safe(response, first_name, email, role)


@FUZZ
@given(email=values)
def test_the_fresh_link_form_survives_anything(client, quiz, email):
    response = client.post(f"/assessment/{quiz.slug}/new-link/", {"email": email})
    assert_safe(response, email)


@FUZZ
@given(choice=values)
def test_a_question_survives_any_answer(client, quiz, choice):
    client.post(f"/assessment/{quiz.slug}/")
    response = client.post(f"/assessment/{quiz.slug}/q/1/", {"choice": choice}, follow=True)
    assert_safe(response, choice)
