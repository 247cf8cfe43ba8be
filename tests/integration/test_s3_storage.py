"""The private whitepaper in an S3-compatible bucket, against a real S3 HTTP server.

moto's server mode (ThreadedMotoServer) speaks the S3 protocol on a loopback port; the
site talks to it through django-storages and boto3 exactly as it would to MinIO or AWS,
configured by the same environment variables an operator sets.
"""

import http.client
import logging
import os
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import urlsplit

import boto3
import environ
import pytest
from botocore.exceptions import IncompleteReadError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from moto.server import ThreadedMotoServer

from assessment.links import DOWNLOAD_SALT, download_path, report_path
from assessment.models import Assessment, Download, Submission, Whitepaper
from assessment.storage_s3 import PrivateS3Storage
from devtools.redis_server import free_port
from leads.services import lead_erase
from site_project.private_storage import private_storage_from_env
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.factories import SignedDaysAgo, make_pdf_bytes, make_quiz, make_whitepaper

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.timeout(120)]

BUCKET = "careers-private"


class Bucket:
    """The S3 server as its owner (with keys) and as a stranger (no keys) see it."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="eu-west-1",
            aws_access_key_id="site-key",
            aws_secret_access_key="site-secret",  # moto accepts any key
        )

    def object_keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def anonymous_get(self, key: str) -> int:
        """What a browser gets asking the S3 server for the object without credentials."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{BUCKET}/{key}", timeout=5) as answer:  # noqa: S310 - loopback test server
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch) -> Iterator[Bucket]:
    """An empty bucket, and the site's private storage pointed at it through the environment."""
    bucket = Bucket(s3_server)
    bucket.client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    for name, value in {
        "PRIVATE_STORAGE": "s3",
        "PRIVATE_S3_BUCKET": BUCKET,
        "PRIVATE_S3_ENDPOINT_URL": s3_server,
        "PRIVATE_S3_REGION": "eu-west-1",
        "PRIVATE_S3_ACCESS_KEY_ID": "site-key",
        "PRIVATE_S3_SECRET_ACCESS_KEY": "site-secret",
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "private": private_storage_from_env(environ.Env())}
    yield bucket
    for key in bucket.object_keys():
        bucket.client.delete_object(Bucket=BUCKET, Key=key)
    bucket.client.delete_bucket(Bucket=BUCKET)


def _take_quiz(quiz) -> Submission:
    client = Client()
    answer_all(client, quiz)
    client.post(details_url(quiz), DETAILS)
    return Submission.objects.get()


def test_staff_upload_lands_in_the_bucket_privately_and_the_signed_link_streams_it(
    bucket, admin_client, settings
):
    pdf = make_pdf_bytes("Stored in a bucket")
    upload = SimpleUploadedFile("paper.pdf", pdf, content_type="application/pdf")
    form = {"title": "Don't Blow It", "slug": "dont-blow-it", "description": "", "file": upload}
    response = admin_client.post("/admin/assessment/whitepaper/add/", form)
    assert response.status_code == 302
    paper = Whitepaper.objects.get()
    assert isinstance(paper.file.storage, PrivateS3Storage)
    assert bucket.object_keys() == [paper.file.name]
    assert bucket.read(paper.file.name) == pdf
    assert not settings.PRIVATE_MEDIA_ROOT.exists() or not any(
        settings.PRIVATE_MEDIA_ROOT.rglob("*.pdf")
    )
    # Private: only the owner holds a grant, and a stranger asking the S3 server is refused.
    grants = bucket.client.get_object_acl(Bucket=BUCKET, Key=paper.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)
    assert bucket.anonymous_get(paper.file.name) == 403
    with pytest.raises(ValueError, match="no public URL"):
        paper.file.url  # noqa: B018

    # The admin page reads its size from the bucket; staff download it through the admin.
    page = admin_client.get(f"/admin/assessment/whitepaper/{paper.pk}/change/")
    assert paper.file.name in page.content.decode() and "missing" not in page.content.decode()
    staff = admin_client.get(f"/admin/assessment/whitepaper/{paper.pk}/download/")
    assert b"".join(staff.streaming_content) == pdf

    quiz = make_quiz(questions=2, whitepaper=paper)
    submission = _take_quiz(quiz)
    visitor = Client().get(download_path(slug=quiz.slug, submission_id=submission.pk))
    assert visitor.status_code == 200
    assert visitor["Content-Type"] == "application/pdf"
    assert visitor["Cache-Control"] == "private, no-store"
    assert b"".join(visitor.streaming_content) == pdf
    assert Download.objects.filter(submission=submission).count() == 1


def test_bad_and_expired_links_are_refused_with_the_pdf_in_the_bucket(bucket, settings):
    call_command("load_initial_content", stdout=StringIO())
    quiz = Whitepaper.objects.get().assessments.get()
    submission = _take_quiz(quiz)
    good = download_path(slug=quiz.slug, submission_id=submission.pk)
    token = good.split("/")[-2]
    settings.WHITEPAPER_LINK_MAX_AGE_DAYS = 7
    expired = SignedDaysAgo(salt=DOWNLOAD_SALT, days=8).sign_object(submission.pk)
    for link, status in [
        (f"/assessment/{quiz.slug}/download/{token[:-2]}xx/", 403),
        (f"/assessment/{quiz.slug}/download/{expired}/", 410),
        (f"/assessment/{quiz.slug}/download/{submission.pk}/", 404),
    ]:
        response = Client().get(link)
        assert response.status_code == status, link
        assert not getattr(response, "streaming", False)
        assert b"%PDF" not in response.content
    assert not Download.objects.exists()
    assert b"".join(Client().get(good).streaming_content).startswith(b"%PDF-")


def test_load_initial_content_puts_the_starter_pdf_in_the_bucket(bucket, settings):
    call_command("load_initial_content", stdout=StringIO())
    paper = Whitepaper.objects.get()
    assert bucket.object_keys() == ["whitepapers/dont-blow-it.pdf"] == [paper.file.name]
    assert bucket.read(paper.file.name).startswith(b"%PDF-")
    assert bucket.anonymous_get(paper.file.name) == 403
    assert not settings.PRIVATE_MEDIA_ROOT.exists()
    call_command("load_initial_content", stdout=StringIO())  # again: nothing new uploaded
    assert bucket.object_keys() == ["whitepapers/dont-blow-it.pdf"]


def test_replacing_the_pdf_removes_the_old_object_and_a_missing_one_is_not_found(
    bucket, admin_client, django_capture_on_commit_callbacks
):
    call_command("load_initial_content", stdout=StringIO())
    paper = Whitepaper.objects.get()
    old = paper.file.name
    new_pdf = make_pdf_bytes("Second edition")
    upload = SimpleUploadedFile("dont-blow-it.pdf", new_pdf, content_type="application/pdf")
    form = {"title": paper.title, "slug": paper.slug, "description": "", "file": upload}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/assessment/whitepaper/{paper.pk}/change/", form)
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.file.name != old  # never overwritten in place
    assert bucket.object_keys() == [paper.file.name]
    assert bucket.read(paper.file.name) == new_pdf

    submission = _take_quiz(paper.assessments.get())
    bucket.client.delete_object(Bucket=BUCKET, Key=paper.file.name)
    link = download_path(slug=submission.assessment.slug, submission_id=submission.pk)
    assert Client().get(link).status_code == 404


def test_export_reads_the_pdf_from_the_bucket_and_import_writes_it_back(bucket):
    call_command("load_initial_content", stdout=StringIO())
    pdf = bucket.read("whitepapers/dont-blow-it.pdf")
    out = StringIO()
    call_command("export_content", stdout=out)
    Assessment.objects.all().delete()
    Whitepaper.objects.all().delete()
    bucket.client.delete_object(Bucket=BUCKET, Key="whitepapers/dont-blow-it.pdf")
    assert bucket.object_keys() == []

    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        file.write(out.getvalue())
        file.flush()
        call_command("import_content", file.name, stdout=StringIO())

    paper = Whitepaper.objects.get()
    assert bucket.object_keys() == [paper.file.name]
    assert bucket.read(paper.file.name) == pdf
    assert bucket.anonymous_get(paper.file.name) == 403


def test_options_asking_for_a_public_object_are_overridden(bucket, settings):
    config = settings.STORAGES["private"]
    options = config["OPTIONS"] | {
        "default_acl": "public-read",
        "object_parameters": {"ACL": "public-read"},
    }
    settings.STORAGES = {**settings.STORAGES, "private": config | {"OPTIONS": options}}
    storage = Whitepaper._meta.get_field("file").storage
    name = storage.save("whitepapers/open.pdf", ContentFile(make_pdf_bytes()))
    assert bucket.object_keys() == [name]
    assert bucket.anonymous_get(name) == 403


def test_a_bucket_out_of_reach_asks_visitors_to_retry_and_loses_nothing(
    bucket, admin_client, settings, monkeypatch
):
    """The signed link gets a 503 page that says to try again, never a 500; staff are told
    on the whitepaper's page; once the bucket answers again, the same link works."""
    call_command("load_initial_content", stdout=StringIO())
    paper = Whitepaper.objects.get()
    submission = _take_quiz(paper.assessments.get())
    link = download_path(slug=submission.assessment.slug, submission_id=submission.pk)
    reachable = settings.STORAGES["private"]

    monkeypatch.setenv("PRIVATE_S3_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nobody
    settings.STORAGES = {**settings.STORAGES, "private": private_storage_from_env(environ.Env())}
    response = Client().get(link)
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "your link still works" in response.content.decode()
    assert not Download.objects.exists()  # nothing was delivered, so nothing is counted
    page = admin_client.get(f"/admin/assessment/whitepaper/{paper.pk}/change/")
    assert page.status_code == 200 and "can&#x27;t be reached" in page.content.decode()
    staff = admin_client.get(f"/admin/assessment/whitepaper/{paper.pk}/download/", follow=True)
    assert staff.status_code == 200 and "can&#x27;t be reached" in staff.content.decode()

    settings.STORAGES = {**settings.STORAGES, "private": reachable}
    again = Client().get(link)
    assert again.status_code == 200
    assert b"".join(again.streaming_content).startswith(b"%PDF-")


class _Relay(BaseHTTPRequestHandler):
    """Passes each request on to the S3 server, unless told to break object GETs."""

    def do_HEAD(self):
        self._relay()

    def do_GET(self):
        self._relay()

    def do_PUT(self):
        self._relay()

    def _relay(self):
        front = self.server
        front.seen.append(self.command)
        if self.command == "GET" and front.get_fails:
            # What S3 answers when it can't serve an object right now.
            error = b"<Error><Code>InternalError</Code><Message>We hit a snag</Message></Error>"
            self.send_response(500)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(error)))
            self.end_headers()
            self.wfile.write(error)
            return
        upstream = http.client.HTTPConnection(front.upstream, timeout=10)
        length = int(self.headers.get("Content-Length") or 0)
        upstream.request(self.command, self.path, self.rfile.read(length), dict(self.headers))
        answer = upstream.getresponse()
        body = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in {"connection", "transfer-encoding", "server", "date"}:
                self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            # The connection drops after `cut_after` bytes: headers promised more.
            self.wfile.write(body if front.cut_after is None else body[: front.cut_after])
        upstream.close()

    def log_message(self, *args):
        pass


class BucketFront(ThreadingHTTPServer):
    """A loopback HTTP server in front of the S3 server, as a load balancer or a flaky
    network would be: it records the methods it relays, and can fail GETs (500) or cut
    their bodies short while HEAD and everything else still work."""

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Relay)
        self.upstream = urlsplit(upstream).netloc
        self.seen: list[str] = []
        self.get_fails = False
        self.cut_after: int | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def front(bucket, settings, monkeypatch) -> Iterator[BucketFront]:
    """The site's private storage pointed at the bucket through BucketFront."""
    server = BucketFront(bucket.endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("PRIVATE_S3_ENDPOINT_URL", server.endpoint)
    # One attempt: botocore would otherwise retry a 500 up to four times, with back-off.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    settings.STORAGES = {**settings.STORAGES, "private": private_storage_from_env(environ.Env())}
    yield server
    server.shutdown()
    server.server_close()


def _paper_in_bucket(content: bytes) -> Whitepaper:
    storage = Whitepaper._meta.get_field("file").storage
    return make_whitepaper(
        slug="dont-blow-it", file=storage.save("paper.pdf", ContentFile(content))
    )


def _link_for(paper: Whitepaper) -> str:
    quiz = make_quiz(questions=2, whitepaper=paper)
    return download_path(slug=quiz.slug, submission_id=_take_quiz(quiz).pk)


def test_the_signed_link_streams_the_object_with_its_length_in_one_get(front):
    pdf = make_pdf_bytes("Streamed") + os.urandom(300_000)  # several chunks
    link = _link_for(_paper_in_bucket(pdf))
    front.seen.clear()
    response = Client().get(link)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(pdf))
    assert response["Content-Disposition"] == 'attachment; filename="dont-blow-it.pdf"'
    assert b"".join(response.streaming_content) == pdf
    assert front.seen == ["GET"]  # no HEAD first, no second read
    assert Download.objects.count() == 1


def test_head_on_the_signed_link_asks_only_the_size(front, admin_client):
    pdf = make_pdf_bytes("Only asked about")
    paper = _paper_in_bucket(pdf)
    link = _link_for(paper)
    front.seen.clear()
    response = Client().head(link)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(pdf))
    assert response["Content-Type"] == "application/pdf"
    assert front.seen == ["HEAD"]  # the body never left the bucket
    assert not Download.objects.exists()
    staff = admin_client.head(f"/admin/assessment/whitepaper/{paper.pk}/download/")
    assert staff.status_code == 200 and staff["Content-Length"] == str(len(pdf))
    assert front.seen == ["HEAD", "HEAD"]


def test_a_bucket_that_answers_head_but_fails_get_is_a_503_and_nothing_is_counted(
    front, admin_client
):
    pdf = make_pdf_bytes()
    paper = _paper_in_bucket(pdf)
    link = _link_for(paper)
    front.get_fails = True
    assert Client().head(link).status_code == 200  # the object is there...
    response = Client().get(link)  # ...but can't be read
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "your link still works" in response.content.decode()
    assert not Download.objects.exists()
    staff = admin_client.get(f"/admin/assessment/whitepaper/{paper.pk}/download/", follow=True)
    assert staff.status_code == 200 and "can&#x27;t be reached" in staff.content.decode()

    front.get_fails = False
    assert b"".join(Client().get(link).streaming_content) == pdf
    assert Download.objects.count() == 1


def test_a_body_cut_short_before_the_response_starts_is_a_503(front):
    link = _link_for(_paper_in_bucket(make_pdf_bytes()))  # smaller than one chunk
    front.cut_after = 100
    response = Client().get(link)
    assert response.status_code == 503
    assert not Download.objects.exists()


def test_a_body_cut_short_mid_stream_is_logged_and_the_download_fails(front, caplog):
    """Headers are gone by then, so no error page: the connection drops short of
    Content-Length, which browsers report as a failed download."""
    pdf = make_pdf_bytes() + os.urandom(300_000)
    link = _link_for(_paper_in_bucket(pdf))
    front.cut_after = 200_000
    response = Client().get(link)
    assert response.status_code == 200 and response["Content-Length"] == str(len(pdf))
    with caplog.at_level(logging.ERROR), pytest.raises(IncompleteReadError):
        b"".join(response.streaming_content)
    failures = [r for r in caplog.records if r.name == "assessment.storage_s3"]
    assert [r.getMessage() for r in failures] == [
        "The bucket failed while paper.pdf was being sent"
    ]
    assert failures[0].exc_info
    assert Download.objects.count() == 1  # recorded when the response started


def test_the_personal_report_is_made_once_into_the_bucket_and_erased_from_it(
    bucket, django_capture_on_commit_callbacks
):
    call_command("load_initial_content", stdout=StringIO())
    quiz = Whitepaper.objects.get().assessments.get()
    submission = _take_quiz(quiz)
    link = report_path(slug=quiz.slug, submission_id=submission.pk)
    first = b"".join(Client().get(link).streaming_content)
    assert first.startswith(b"%PDF")
    reports = [key for key in bucket.object_keys() if key.startswith("reports/")]
    assert len(reports) == 1 and bucket.read(reports[0]) == first
    assert bucket.anonymous_get(reports[0]) == 403
    assert b"".join(Client().get(link).streaming_content) == first  # kept, not made again
    with django_capture_on_commit_callbacks(execute=True):
        lead_erase(lead=submission.lead)
    assert not [key for key in bucket.object_keys() if key.startswith("reports/")]
    assert Client().get(link).status_code == 410
