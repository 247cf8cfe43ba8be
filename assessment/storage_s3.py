"""The private whitepaper in an S3-compatible bucket (PRIVATE_STORAGE=s3).

Imported only when that is configured, so a local install never loads boto3.
"""

import logging

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# How much of the object is read at a time while it is sent on to the visitor.
STREAM_CHUNK_BYTES = 64 * 1024

logger = logging.getLogger(__name__)


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

    def object_stream(self, name, *, body=True):
        """(chunks, size) of an object, its body read as it is sent rather than first copied
        to a temporary file as open() does. Without `body` only its size is asked (HEAD).

        The body's first chunk is read here, so a bucket that answers but can't deliver
        fails before the response starts. FileNotFoundError when there is no such object.
        """
        key = self._normalize_name(clean_name(name))
        client = self.connection.meta.client
        try:
            if not body:
                head = client.head_object(Bucket=self.bucket_name, Key=key)
                return iter(()), head["ContentLength"]
            answer = client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as err:
            if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"No object {key}") from err
            raise
        stream, size = answer["Body"], answer["ContentLength"]
        try:
            first = _read_up_to(stream, min(size, STREAM_CHUNK_BYTES))
        except BaseException:
            stream.close()
            raise
        rest = stream.iter_chunks(STREAM_CHUNK_BYTES)
        return _BodyChunks(key, first, rest, close=stream.close), size


def _read_up_to(stream, wanted: int) -> bytes:
    """`wanted` bytes, however the network splits them; a body that ends sooner raises
    (botocore checks the length it was promised when it reads the end)."""
    data = b""
    while len(data) < wanted:
        more = stream.read(wanted - len(data))
        if not more:
            break
        data += more
    return data


class _BodyChunks:
    """The object's chunks for a streaming response, which closes the connection after.

    A failure once the headers are sent can't become an error page: it is logged here with
    the object's name and raised on, so the server drops the connection and the browser,
    short of Content-Length, reports the download as failed rather than saving half a PDF.
    """

    def __init__(self, key, first, rest, *, close):
        self.key = key
        self.first = first
        self.rest = rest
        self.close = close

    def __iter__(self):
        yield self.first
        try:
            yield from self.rest
        except Exception:
            logger.exception("The bucket failed while %s was being sent", self.key)
            raise
