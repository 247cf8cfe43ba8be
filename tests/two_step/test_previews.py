"""Draft and inactive-quiz previews sit behind the same two-step check as the admin: a
password alone is not enough to read unpublished content when the app is required."""

import pytest

from articles.models import Article
from tests.factories import make_article, make_quiz
from tests.two_step import helpers
from tests.two_step.helpers import app_code, enrol, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished():
    draft = make_article(status=Article.Status.DRAFT, body="<p>Work in progress</p>")
    quiz = make_quiz(questions=2, is_active=False, title="Not launched yet")
    return f"/articles/{draft.slug}/preview/", f"/assessment/{quiz.slug}/"


def test_when_required_a_password_alone_does_not_open_previews(client, settings, unpublished):
    settings.ADMIN_REQUIRE_2FA = True
    make_staff(is_superuser=True)
    helpers.sign_in_with_password(client)
    article, quiz = unpublished
    blocked = client.get(article)
    assert blocked.status_code == 302 and blocked["Location"] == "/admin/two-step/"
    assert client.get(quiz).status_code == 404


def test_a_code_opens_them(client, settings, unpublished):
    settings.ADMIN_REQUIRE_2FA = True
    user = make_staff(is_superuser=True)
    device, _ = enrol(user)
    helpers.sign_in_with_password(client)
    assert client.get(unpublished[0]).status_code == 302  # not signed in until the code
    helpers.send_code(client, app_code(device))
    article, quiz = unpublished
    assert "Work in progress" in client.get(article).content.decode()
    assert "Not launched yet" in client.get(quiz).content.decode()
