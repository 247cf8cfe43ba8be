"""Where the private whitepaper is kept: STORAGES["private"], chosen by environment.

PRIVATE_STORAGE=local (the default) keeps it under PRIVATE_MEDIA_ROOT. PRIVATE_STORAGE=s3
puts it in an S3-compatible bucket (AWS S3, MinIO, Ceph, ...) through django-storages; the
PRIVATE_S3_* variables name the bucket and how to reach it (docs/configuration.md).
"""

import environ
from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKEND = "assessment.storage.PrivateStorage"
S3_BACKEND = "assessment.storage_s3.PrivateS3Storage"


def private_storage_from_env(env: environ.Env) -> dict:
    """The STORAGES["private"] entry the environment asks for."""
    kind = env.str("PRIVATE_STORAGE", default="local").strip().lower()
    if kind == "local":
        return {"BACKEND": LOCAL_BACKEND}
    if kind != "s3":
        raise ImproperlyConfigured(
            f"PRIVATE_STORAGE={kind!r} is not known: use 'local' (the default) or 's3'."
        )
    bucket = env.str("PRIVATE_S3_BUCKET", default="")
    if not bucket:
        raise ImproperlyConfigured("PRIVATE_STORAGE=s3 needs PRIVATE_S3_BUCKET (the bucket name).")
    endpoint = env.str("PRIVATE_S3_ENDPOINT_URL", default="") or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": env.str("PRIVATE_S3_REGION", default="") or None,
        "location": env.str("PRIVATE_S3_PREFIX", default="").strip("/"),
        # Self-hosted servers (MinIO) are usually reached by one host name, bucket in the path.
        "addressing_style": env.str(
            "PRIVATE_S3_ADDRESSING_STYLE", default="path" if endpoint else "auto"
        ),
    }
    # Without keys, boto3 looks where it always does (AWS_* variables, an instance role).
    access_key = env.str("PRIVATE_S3_ACCESS_KEY_ID", default="")
    secret_key = env.str("PRIVATE_S3_SECRET_ACCESS_KEY", default="")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "Set both PRIVATE_S3_ACCESS_KEY_ID and PRIVATE_S3_SECRET_ACCESS_KEY, or neither."
        )
    if access_key:
        options |= {"access_key": access_key, "secret_key": secret_key}
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
