"""Recruiting staff edit and preview articles in the admin, as they would in a browser."""

import pytest
from playwright.sync_api import Page, expect

from articles.models import Article
from tests.e2e.test_content_security_policy import record_violations
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-passphrase-for-staff"
NEW_STANDFIRST = "Eight signs, one story, and the question to ask yourself before a move."
NEW_SENTENCE = "Talk to one of our recruiters about your next step."


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.com", password=PASSWORD
    )


def admin_script_src(page: Page, base_url: str) -> str:
    response = page.request.get(base_url + "/admin/articles/article/add/")
    header = response.headers["content-security-policy"]
    return next(part for part in header.split(";") if part.strip().startswith("script-src"))


def log_in_to_admin(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles, assessments and leads")).to_be_visible()


def open_article_in_admin(page: Page, title: str) -> None:
    # The model's row on the admin index (the app's caption says "Articles" too).
    page.locator("th[scope=row]").get_by_role("link", name="Articles", exact=True).click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_label("Title")).to_have_value(title)


def type_opening_paragraph(page: Page, text: str) -> None:
    """Type a new first paragraph in the rich-text editor (a ProseMirror widget).

    Focusing the editor puts the caret at the start of the body, where ProseMirror's own
    selection already is. Moving the caret with the mouse or End keys right after focus
    races ProseMirror's selection sync and can land the text elsewhere.
    """
    editor = page.locator(".ProseMirror[contenteditable='true']")
    editor.focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(editor.locator("p").first).to_have_text(text)
    expect(editor.locator("p").nth(1)).to_contain_text("Almost everyone we speak with")


def test_staff_edit_an_article_and_visitors_see_the_change(
    live_server, seed_article, editor, page, desktop_page, screenshot
):
    public_url = live_server.url + seed_article.get_absolute_url()
    # A visitor reads the page first, so a stale cached copy would show below.
    page.goto(public_url)
    expect(page.locator(".lead")).to_have_text(seed_article.standfirst)

    admin = desktop_page
    violations = record_violations(admin)
    log_in_to_admin(admin, live_server.url, "editor")
    open_article_in_admin(admin, seed_article.title)
    admin.get_by_label("Standfirst").fill(NEW_STANDFIRST)
    type_opening_paragraph(admin, NEW_SENTENCE)
    screenshot(admin, "editing")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    # The editor ran (import map included) under a script-src without 'unsafe-inline'.
    assert "'unsafe-inline'" not in admin_script_src(admin, live_server.url)
    assert violations == []

    page.reload()
    expect(page.locator(".lead")).to_have_text(NEW_STANDFIRST)
    expect(page.locator(".article-body > p").first).to_have_text(NEW_SENTENCE)
    # The rest of the article is all still there.
    expect(page.locator(".article-body > p").nth(1)).to_contain_text("Almost everyone")
    expect(page.locator(".article-body li")).to_have_count(8)
    expect(page.locator(".article-body > p").last).to_contain_text("whitepaper")


def test_staff_preview_a_draft_that_the_public_cannot_see(
    live_server, editor, page, desktop_page, screenshot
):
    draft = make_article(
        title="What a solar site manager really does",
        body="<p>A day on a utility-scale build.</p>",
        status=Article.Status.DRAFT,
    )
    response = page.goto(live_server.url + draft.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We can’t find that page")

    admin = desktop_page
    log_in_to_admin(admin, live_server.url, "editor")
    open_article_in_admin(admin, draft.title)
    with admin.context.expect_page() as new_tab:
        admin.get_by_role("link", name="Preview this article as visitors will see it").click()
    preview = new_tab.value
    expect(preview.get_by_role("heading", level=1)).to_have_text(draft.title)
    expect(preview.get_by_role("note")).to_contain_text("This is a draft")
    expect(preview.locator(".article-body")).to_have_text("A day on a utility-scale build.")
    screenshot(preview, "preview")

    preview.get_by_role("link", name="Back to editing").click()
    expect(preview.get_by_label("Title")).to_have_value(draft.title)


def test_staff_open_the_email_previews_with_no_policy_violation(
    live_server, seed_article, page, editor
):
    """The admin's policy has no 'unsafe-inline' scripts; the previews' inline styles (HTML
    email is styled inline) still apply, and nothing is refused."""
    violations = record_violations(page)
    log_in_to_admin(page, live_server.url, "editor")
    page.goto(live_server.url + "/admin/leads/lead/email-previews/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    frames = page.locator("iframe[srcdoc]")
    assert frames.count() >= 3  # the result, the fresh link, the team notice, follow-ups...
    first = page.frame_locator("iframe[srcdoc]").first
    expect(first.locator("body")).to_contain_text("Solar Talent Partners")
    assert "'unsafe-inline'" not in admin_script_src(page, live_server.url)
    assert violations == []
