"""Which storage holds the whitepaper: the local folder unless the environment says S3."""

import environ
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from assessment.models import Whitepaper
from assessment.storage import PrivateStorage
from site_project.private_storage import private_storage_from_env

S3_VARIABLES = (
    "PRIVATE_STORAGE",
    "PRIVATE_S3_BUCKET",
    "PRIVATE_S3_ENDPOINT_URL",
    "PRIVATE_S3_REGION",
    "PRIVATE_S3_PREFIX",
    "PRIVATE_S3_ADDRESSING_STYLE",
    "PRIVATE_S3_ACCESS_KEY_ID",
    "PRIVATE_S3_SECRET_ACCESS_KEY",
)


@pytest.fixture
def env(monkeypatch):
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def with_variables(**variables) -> dict:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return private_storage_from_env(environ.Env())

    return with_variables


def test_the_local_folder_is_the_default(env):
    assert env() == {"BACKEND": "assessment.storage.PrivateStorage"}
    assert env(PRIVATE_STORAGE="local") == {"BACKEND": "assessment.storage.PrivateStorage"}


def test_tests_keep_the_whitepaper_in_the_local_folder(settings):
    assert django_settings.STORAGES["private"]["BACKEND"] == "assessment.storage.PrivateStorage"
    assert isinstance(Whitepaper._meta.get_field("file").storage, PrivateStorage)


def test_s3_is_configured_from_the_environment(env):
    config = env(
        PRIVATE_STORAGE="S3",
        PRIVATE_S3_BUCKET="careers-private",
        PRIVATE_S3_ENDPOINT_URL="https://minio.internal:9000",
        PRIVATE_S3_REGION="eu-west-1",
        PRIVATE_S3_PREFIX="/whitepapers/",
        PRIVATE_S3_ACCESS_KEY_ID="key",
        PRIVATE_S3_SECRET_ACCESS_KEY="secret",
    )
    assert config == {
        "BACKEND": "assessment.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": "careers-private",
            "endpoint_url": "https://minio.internal:9000",
            "region_name": "eu-west-1",
            "location": "whitepapers",
            "addressing_style": "path",
            "access_key": "key",
            "secret_key": "secret",
        },
    }


def test_on_aws_the_keys_may_come_from_boto3s_usual_places(env):
    options = env(PRIVATE_STORAGE="s3", PRIVATE_S3_BUCKET="careers-private")["OPTIONS"]
    assert options["endpoint_url"] is None and options["addressing_style"] == "auto"
    assert "access_key" not in options and "secret_key" not in options


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"PRIVATE_STORAGE": "ftp"}, "PRIVATE_STORAGE='ftp' is not known"),
        ({"PRIVATE_STORAGE": "s3"}, "needs PRIVATE_S3_BUCKET"),
        (
            {"PRIVATE_STORAGE": "s3", "PRIVATE_S3_BUCKET": "b", "PRIVATE_S3_ACCESS_KEY_ID": "k"},
            "or neither",
        ),
    ],
)
def test_a_wrong_setting_stops_start_up_with_a_clear_message(env, variables, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        env(**variables)
