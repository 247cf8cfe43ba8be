"""Sharing that exposes no one: the result page links to a public page per band, with
Open Graph and Twitter cards and a 1200 x 630 PNG; neither carries a name, a score or an
email, and the personal result page itself is never indexed."""

import io
import re
import struct

import pytest
from django.test import Client
from PIL import Image

from assessment.models import ResultBand, Submission
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_quiz

pytestmark = pytest.mark.django_db

NAME = "Quillon Zephyrine"
EMAIL = "quillon.zephyrine.sharetest@example.org"


@pytest.fixture
def quiz():
    return make_quiz(questions=4, title="Are you career focused or job focused?")


@pytest.fixture
def submission(client, quiz) -> Submission:
    answer_all(client, quiz, value=4)
    client.post(details_url(quiz), DETAILS | {"first_name": NAME, "email": EMAIL})
    return Submission.objects.get()


def share_link_on_result_page(client, quiz) -> str:
    html = client.get(result_url(quiz)).content.decode()
    match = re.search(r'<a href="([^"]+)">Share this quiz</a>', html)
    assert match, "the result page offers to share the quiz"
    return match.group(1)


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, key
    return match.group(1)


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Every chunk of a PNG file, by type and content."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def personal(submission: Submission) -> list[str]:
    """What must never appear where a result is shared."""
    return [
        NAME,
        NAME.split()[0],
        EMAIL,
        EMAIL.split("@")[0],
        f"{submission.total_score} out of",
        f"scored {submission.total_score}",
    ]


def test_the_result_page_links_to_the_band_page_with_cards(client, quiz, submission):
    link = share_link_on_result_page(client, quiz)
    assert link == f"/assessment/{quiz.slug}/share/{submission.band_id}/"
    response = Client().get(link)  # anyone, without the visitor's session
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=600"
    html = response.content.decode()
    page_url = f"https://careers.example.com{link}"
    assert meta(html, "og:url") == page_url
    assert f'<link rel="canonical" href="{page_url}">' in html
    assert submission.band_title in meta(html, "og:title")
    assert meta(html, "og:image").startswith(f"{page_url}card.png?v=")
    assert meta(html, "og:image:width") == "1200" and meta(html, "og:image:height") == "630"
    assert meta(html, "og:image:type") == "image/png"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == meta(html, "og:image")
    assert "noindex" not in html and "X-Robots-Tag" not in response  # a page meant to be found
    assert f'href="/assessment/{quiz.slug}/"' in html  # take the quiz yourself


def test_no_shared_page_or_image_carries_a_name_score_or_email(client, quiz, submission):
    link = share_link_on_result_page(client, quiz)
    for visitor in (client, Client()):  # the sharer's own browser too: nothing of theirs
        html = visitor.get(link).content.decode()
        for secret in personal(submission):
            assert secret not in html, secret
        assert result_url(quiz) not in html  # the personal page is never the shared address
        image = visitor.get(meta(html, "og:image").removeprefix("https://careers.example.com"))
        png = image.content
        for secret in personal(submission):
            assert secret.encode() not in png, secret
        kinds = {kind for kind, _ in png_chunks(png)}
        assert kinds <= {b"IHDR", b"IDAT", b"IEND", b"PLTE", b"sRGB", b"pHYs"}, kinds


def test_the_card_is_a_1200_by_630_png_of_the_band(client, quiz, submission):
    response = Client().get(f"/assessment/{quiz.slug}/share/{submission.band_id}/card.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert image.info.keys() <= {"dpi", "srgb", "gamma"}  # no text, no EXIF
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours and len(colours) > 20  # drawn text, not a blank card


def test_the_card_is_cached_by_version_and_revalidates(client, quiz, submission):
    path = f"/assessment/{quiz.slug}/share/{submission.band_id}/"
    first_url = meta(Client().get(path).content.decode(), "og:image")
    card = f"{path}card.png"
    etag = Client().get(card)["ETag"]
    assert Client().get(card, headers={"if-none-match": etag}).status_code == 304
    ResultBand.objects.filter(pk=submission.band_id).update(title="Growing into a career")
    changed = Client().get(path).content.decode()
    assert meta(changed, "og:image") != first_url  # a new address for the new picture
    assert Client().get(card, headers={"if-none-match": etag}).status_code == 200


@pytest.mark.parametrize("case", ["unknown band", "another quiz's band", "inactive quiz"])
def test_a_band_that_is_not_shared_is_not_found(client, quiz, submission, case):
    band_id, slug = submission.band_id, quiz.slug
    if case == "unknown band":
        band_id = ResultBand.objects.order_by("-pk").first().pk + 1
    elif case == "another quiz's band":
        slug = make_quiz(questions=2).slug
    else:
        quiz.is_active = False
        quiz.save()
    for suffix in ("", "card.png"):
        assert Client().get(f"/assessment/{slug}/share/{band_id}/{suffix}").status_code == 404


def test_the_personal_result_page_is_never_indexed(client, quiz, submission):
    response = client.get(result_url(quiz))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert 'property="og:' not in html  # nothing that invites sharing this address
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
