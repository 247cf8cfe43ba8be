"""The private whitepaper in an S3-compatible bucket (PRIVATE_STORAGE=s3).

Imported only when that is configured, so a local install never loads boto3.
"""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Objects are written with no ACL, so S3's default holds (only the bucket owner's
    credentials read them), and never get a URL, signed or not.

    No ACL rather than "private": AWS buckets with ACLs disabled (the default for new
    buckets) refuse any ACL but bucket-owner-full-control, and an object never inherits a
    bucket's ACL anyway. A public-read option can't creep in: it is overridden here.

    Visitors reach the PDF only through the site's signed link, which streams it: a
    presigned bucket URL would be a second key to the file, outliving our checks.
    """

    def __init__(self, **options):
        super().__init__(**options)
        # Not left to OPTIONS: these are what make the storage private.
        self.default_acl = None
        self.querystring_auth = True
        # Like the local storage: a new upload gets a new name, so a replaced PDF stays
        # readable until the change is committed (the old one is deleted then).
        self.file_overwrite = False

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        parameters.pop("ACL", None)
        return parameters

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no public URL; serve them through a checked view.")
