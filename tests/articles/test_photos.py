"""Uploaded photos are made fit to serve: upright, cut and scaled to what the pages show,
and saved again without their metadata (a phone photo's EXIF can say where it was taken)."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import models
from articles.photos import AVATAR_PX, WIDE_MAX_PX
from tests.factories import make_article

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def phone_photo(size=(3000, 2000), *, rotated=True) -> SimpleUploadedFile:
    """A JPEG as a phone writes it: big, with a location, and stored on its side (the
    Orientation tag says "turn me 90 degrees clockwise"): left half red, right half blue."""
    image = Image.new("RGB", size, "red")
    image.paste("blue", (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ORIENTATION] = 6 if rotated else 1
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD)[2] = (39.0, 44.0, 0.0)  # latitude: Denver
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return SimpleUploadedFile("portrait.jpg", buffer.getvalue(), content_type="image/jpeg")


def stored(field) -> Image.Image:
    field.open("rb")
    try:
        image = Image.open(BytesIO(field.read()))
        image.load()
        return image
    finally:
        field.close()


def test_an_authors_phone_photo_is_stored_small_upright_and_without_its_location(admin_client):
    upload = phone_photo()
    assert len(upload) > 50_000
    response = admin_client.post(
        "/admin/articles/author/add/", {"name": "Sam Lee", "role": "Recruiter", "photo": upload}
    )
    assert response.status_code == 302
    author = models.Author.objects.get()
    image = stored(author.photo)
    assert image.format == "JPEG" and image.size == (AVATAR_PX, AVATAR_PX)
    assert author.photo.name.endswith(".jpg") and author.photo.size < 10_000
    assert not image.getexif()  # no orientation, maker or GPS left
    # Turned upright: the left (red) half of the stored image is now on top.
    top, bottom = image.getpixel((AVATAR_PX // 2, 5)), image.getpixel((AVATAR_PX // 2, 186))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_a_testimonial_photo_is_made_an_avatar_too():
    testimonial = models.Testimonial.objects.create(
        quote="They found me a role in a week.", name="Priya", photo=phone_photo(rotated=False)
    )
    image = stored(testimonial.photo)
    assert image.size == (AVATAR_PX, AVATAR_PX) and not image.getexif()


def test_a_big_hero_image_is_scaled_down_and_keeps_its_format_and_shape():
    buffer = BytesIO()
    Image.new("RGBA", (4000, 1000), (11, 85, 99, 128)).save(buffer, "PNG")
    article = make_article()
    article.hero_image = SimpleUploadedFile("wide.png", buffer.getvalue(), "image/png")
    article.save()
    image = stored(models.Article.objects.get(pk=article.pk).hero_image)
    assert image.format == "PNG" and image.mode == "RGBA"  # transparency kept
    assert image.size == (WIDE_MAX_PX, WIDE_MAX_PX // 4)


def test_saving_again_leaves_a_stored_photo_alone():
    author = models.Author.objects.create(name="Sam Lee", photo=phone_photo(rotated=False))
    name = author.photo.name
    author.role = "Lead recruiter"
    author.save()
    author.refresh_from_db()
    assert author.photo.name == name
