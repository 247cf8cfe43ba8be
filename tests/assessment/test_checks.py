"""The private whitepaper folder must never sit inside a folder the site serves."""

from assessment.checks import private_media_is_not_public


def test_separate_folders_pass(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert private_media_is_not_public() == []


def test_private_inside_media_is_an_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    errors = private_media_is_not_public()
    assert [e.id for e in errors] == ["assessment.E001"]
    assert "MEDIA_ROOT" in errors[0].msg


def test_private_equal_to_static_root_is_an_error(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "static"
    assert [e.id for e in private_media_is_not_public()] == ["assessment.E001"]
