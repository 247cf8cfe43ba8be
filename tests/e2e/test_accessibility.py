"""axe-core finds no accessibility violation, of any impact, on the public pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Staff pages (the admin's own markup, e.g. two-step sign-in) must have no serious or
# critical problem; the public pages none at all: minor and moderate ones are real problems
# for someone too.
BLOCKING_IMPACTS = {"serious", "critical"}
PUBLIC_IMPACTS = {"minor", "moderate"} | BLOCKING_IMPACTS


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def describe(violations: list[dict]) -> str:
    """One block per problem, naming the elements, so the failure says what to fix."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/articles/", 200),
        ("/articles/are-you-career-or-job-focused/", 200),
        ("/contact/", 200),
        ("/no-such-page/", 404),
    ],
    ids=["home", "article-list", "article", "contact", "not-found"],
)
def test_page_has_no_accessibility_violations(
    live_server, seed_article, page, axe, screenshot, path, status
):
    response = page.goto(live_server.url + path)
    assert response.status == status
    results = axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in PUBLIC_IMPACTS]
    screenshot(page, "axe")
    assert not blocking, f"axe found problems on {path}:\n{describe(blocking)}"


def test_the_assessment_pages_have_no_accessibility_violations(
    live_server, seed_article, page, axe, screenshot, settings
):
    """The intro, a question (also with its error), the details form (also with errors),
    the result page, its share page, a broken download link and the fresh-link
    confirmation: each checked
    as a visitor reaches it."""
    settings.QUIZ_MIN_SECONDS = 0
    checked = []

    def check(label: str) -> None:
        results = axe.run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in PUBLIC_IMPACTS]
        screenshot(page, f"axe-{label}")
        assert not blocking, f"axe found problems on the {label}:\n{describe(blocking)}"
        checked.append(label)

    page.goto(live_server.url + "/assessment/career-or-job-focused/")
    check("intro")
    page.get_by_role("button", name="Start the assessment").click()
    check("question")
    page.get_by_role("button", name="Next").click()  # no answer chosen
    check("question with an error")
    page.wait_for_load_state()  # the question's script runs before the first tap
    for number in range(1, 11):  # with JavaScript, a tap on an answer moves on
        page.get_by_text("Agree", exact=True).click()
        page.wait_for_url(re.compile(rf"/q/{number + 1}/$" if number < 10 else r"/details/$"))
    page.get_by_role("button", name="Send me my result").click()  # empty form
    check("details form with errors")
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Email address").fill("ana@example.com")
    check("details form")
    page.get_by_role("button", name="Send me my result").click()
    page.wait_for_url("**/result/")
    check("result page")
    page.goto(
        live_server.url + page.get_by_role("link", name="Share this quiz").get_attribute("href")
    )
    check("share page")
    page.goto(live_server.url + "/assessment/career-or-job-focused/download/x:y:z/")
    check("broken download link page")
    page.get_by_label("Email address").fill("ana@example.com")
    page.get_by_role("button", name="Email me a new link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check("fresh link confirmation")
    assert len(checked) == 9
