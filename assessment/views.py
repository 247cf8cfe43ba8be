"""The visitor's path through a quiz: intro, one question a page, their details, the result
and the whitepaper download.

Everything works without JavaScript. Progress lives in the session; any bad or stale
request is sent somewhere sensible with a message, never a 500.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from calls.links import call_request_path
from insights.models import Kind
from insights.services import event_record
from leads.tokens import LinkExpired, LinkTampered
from site_project.edge import visitor_ip

from .forms import DetailsForm, FreshLinkForm
from .links import (
    download_path,
    report_path,
    submission_id_from_download_token,
    submission_id_from_report_token,
)
from .models import Assessment, Choice, ResultBand, Submission
from .progress import Quiz, QuizProgress, result_from_session, result_session_key
from .report_pdf import TITLE as REPORT_TITLE
from .reports import REPORT_FILENAME
from .services import (
    UTM_FIELDS,
    ReportNotMade,
    answer_record,
    download_record,
    fresh_link_request,
    quiz_start,
    quiz_too_fast,
    report_ensure,
    result_page_context,
    result_pretend,
    result_remember,
    source_from_session,
    source_remember,
    submission_create,
)
from .sharing import share_image_bytes, share_image_url, share_image_version, share_page_path
from .storage import PrivateStorageUnavailable, private_file_response

# What a visitor is told to wait when the private storage doesn't answer.
DOWNLOAD_RETRY_AFTER_SECONDS = 120


def _quiz_or_404(request: HttpRequest, slug: str) -> Quiz:
    """Active quizzes for everyone; inactive ones only for staff, as a preview.

    One query in the usual case, so every step stays within its query budget.
    """
    quiz = Quiz.from_choices(Choice.objects.for_quiz(slug))
    if quiz is None:  # unknown, or nothing to answer yet
        assessment = Assessment.objects.select_related("whitepaper").filter(slug=slug).first()
        quiz = Quiz(assessment=assessment) if assessment else None
    # Staff previews go through the admin site's check, two-step sign-in included.
    if quiz is None or not (quiz.assessment.is_active or admin.site.has_permission(request)):
        raise Http404("No such assessment.")
    return quiz


def _step_url(assessment: Assessment, n: int) -> str:
    return reverse("assessment:question", kwargs={"slug": assessment.slug, "n": n})


def _details_url(assessment: Assessment) -> str:
    return reverse("assessment:details", kwargs={"slug": assessment.slug})


def _restart(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    messages.warning(
        request,
        "Your answers have expired, or the assessment wasn't started in this browser. "
        "Please start again: it only takes a few minutes.",
    )
    return redirect(assessment)


def _back_to_unanswered(request, quiz: Quiz, progress: QuizProgress, message) -> HttpResponse:
    assessment = quiz.assessment
    first = quiz.first_unanswered(progress)
    messages.warning(request, message)
    if first is None:
        return redirect(_details_url(assessment))
    return redirect(_step_url(assessment, first + 1))


def _no_index(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def intro(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz_or_404(request, slug)
    assessment, question_count = quiz.assessment, len(quiz)
    if request.method == "POST" and question_count:
        # Arriving here first (a campaign link straight to the quiz): the page carried the
        # referrer and UTM parameters in hidden fields. After an article's call to action
        # the article is already in the session, and first touch wins.
        source_remember(
            session=request.session,
            landing_path=assessment.get_absolute_url(),
            landing_title=assessment.title,
            referrer=_external(request, request.POST.get("referrer", "")),
            params=request.POST,
        )
        quiz_start(session=request.session, assessment=assessment)
        event_record(kind=Kind.QUIZ_STARTED, request=request, assessment=slug)
        return redirect(_step_url(assessment, 1))
    progress = QuizProgress.from_session(request.session, assessment)
    resume_url = None
    finished = progress is not None and _already_sent(request, assessment, progress)
    if finished:
        resume_url = _result_url(assessment)
    elif progress is not None and progress.answers:
        # A guess that costs no queries: the question view corrects it if answers went stale.
        answered = len(progress.answers)
        resume_url = (
            _details_url(assessment)
            if answered >= question_count
            else _step_url(assessment, answered + 1)
        )
    return render(
        request,
        "assessment/intro.html",
        {
            "assessment": assessment,
            "question_count": question_count,
            "resume_url": resume_url,
            "finished": finished,
            "source_fields": _source_fields(request),
        },
    )


def _external(request: HttpRequest, url: str) -> str:
    """A referrer from another site; our own pages say nothing about where people came from."""
    try:
        host = urlsplit(url).netloc if url else ""
    except ValueError:  # a garbled header
        return ""
    return url if host and host != request.get_host() else ""


def _source_fields(request: HttpRequest) -> dict[str, str]:
    """Hidden fields for the Start form, so a first arrival's source reaches the session
    without a session (or cookie) for everyone who only looks at this page."""
    fields = {name: request.GET[name] for name in UTM_FIELDS if request.GET.get(name)}
    referrer = _external(request, request.headers.get("referer", ""))
    if referrer:
        fields["referrer"] = referrer
    return fields


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def question(request: HttpRequest, slug: str, n: int) -> HttpResponse:
    quiz = _quiz_or_404(request, slug)
    assessment = quiz.assessment
    progress = QuizProgress.from_session(request.session, assessment)
    if progress is None or not quiz:
        return _restart(request, assessment)
    first_unanswered = quiz.first_unanswered(progress)
    reachable = len(quiz) if first_unanswered is None else first_unanswered + 1
    if not 1 <= n <= reachable:
        return _back_to_unanswered(
            request,
            quiz,
            progress,
            "Please answer the questions in order: this is the next one to answer.",
        )
    current = quiz.questions[n - 1]
    choices = quiz.choices[current.pk]
    error = None
    if request.method == "POST":
        raw = request.POST.get("choice", "").strip()
        if not raw:
            error = "Choose the answer that fits you best, then select Next."
        else:
            valid = {str(c.pk): c.pk for c in choices}
            if raw not in valid:
                return _back_to_unanswered(
                    request,
                    quiz,
                    progress,
                    "That answer isn't one of the choices for the question. Please choose again.",
                )
            answer_record(
                session=request.session,
                assessment=assessment,
                progress=progress,
                question_id=current.pk,
                choice_id=valid[raw],
            )
            if n < len(quiz):
                return redirect(_step_url(assessment, n + 1))
            event_record(kind=Kind.QUIZ_FINISHED, request=request, assessment=slug)
            return redirect(_details_url(assessment))
    else:
        event_record(kind=Kind.QUESTION_REACHED, request=request, assessment=slug, question=n)
    previous_url = _step_url(assessment, n - 1) if n > 1 else assessment.get_absolute_url()
    return _no_index(
        render(
            request,
            "assessment/question.html",
            {
                "assessment": assessment,
                "question": current,
                "choices": choices,
                "selected": progress.choice_for(quiz, current),
                "number": n,
                "total": len(quiz),
                "previous_url": previous_url,
                "error": error,
            },
        )
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def details(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz_or_404(request, slug)
    assessment = quiz.assessment
    progress = QuizProgress.from_session(request.session, assessment)
    if progress is None or not quiz:
        return _restart(request, assessment)
    if _already_sent(request, assessment, progress):
        # A double click or a resent form: the first one already made the submission.
        return redirect(_result_url(assessment))
    if quiz.first_unanswered(progress) is not None:
        return _back_to_unanswered(
            request,
            quiz,
            progress,
            "Please answer every question first: this is the next one to answer.",
        )
    action = _details_url(assessment)
    if request.method == "POST":
        form = DetailsForm(request.POST, action=action)
        if form.is_valid() and _submit(request, quiz, progress, form):
            return redirect(_result_url(assessment))
    else:
        form = DetailsForm(action=action)
    return _no_index(
        render(
            request,
            "assessment/details.html",
            {
                "assessment": assessment,
                "form": form,
                "total": len(quiz),
                "last_step_url": _step_url(assessment, len(quiz)),
            },
        )
    )


def _result_url(assessment: Assessment) -> str:
    return reverse("assessment:result", kwargs={"slug": assessment.slug})


def _already_sent(request: HttpRequest, assessment: Assessment, progress: QuizProgress) -> bool:
    pointer = request.session.get(result_session_key(assessment))
    return isinstance(pointer, dict) and pointer.get("key") == progress.key


def _submit(request: HttpRequest, quiz: Quiz, progress: QuizProgress, form: DetailsForm) -> bool:
    """Store and send, or pretend to for a bot. False when the form needs correcting."""
    data = form.cleaned_data
    bands = list(quiz.assessment.result_bands.all())
    if form.is_probably_a_bot or quiz_too_fast(progress=progress):
        result_pretend(
            session=request.session,
            quiz=quiz,
            progress=progress,
            bands=bands,
            email=data["email"],
            first_name=data["first_name"],
        )
        return True
    try:
        submission = submission_create(
            quiz=quiz,
            progress=progress,
            bands=bands,
            email=data["email"],
            first_name=data["first_name"],
            current_role=data["current_role"],
            consent_follow_ups=data["follow_up_consent"],
            consent_text=form.consent_wording(),
            ip_address=visitor_ip(request),
            source=source_from_session(request.session),
            time_zone=data.get("time_zone", ""),
        )
    except ValidationError as error:
        form.add_error("first_name" if error.code == "required" else "email", error)
        return False
    result_remember(
        session=request.session,
        assessment=quiz.assessment,
        progress=progress,
        submission_id=submission.pk,
    )
    event_record(
        kind=Kind.LEAD,
        request=request,
        assessment=quiz.assessment.slug,
        label=submission.band_title,
    )
    return True


@never_cache
@require_safe
def result(request: HttpRequest, slug: str) -> HttpResponse:
    """Only for the browser that sent the form: the submission id is in its session."""
    assessment = get_object_or_404(Assessment.objects.select_related("whitepaper"), slug=slug)
    submission = result_from_session(request.session, assessment)
    if submission is None:
        messages.warning(
            request,
            "We couldn't find a result for this browser. Results show in the browser that "
            "took the assessment; we also emailed yours. You can take it again here.",
        )
        return redirect(assessment)
    bands = list(assessment.result_bands.all())
    lead = submission.lead
    context = result_page_context(submission) | {
        "bands": bands,
        # A known visitor asks for a call right here; a bot's pretend result gets the contact page.
        "call_request_url": call_request_path(lead.pk) if lead.pk and not lead.erased_at else "",
        "download_url": download_path(slug=assessment.slug, submission_id=submission.pk or 0),
        "report_url": report_path(slug=assessment.slug, submission_id=submission.pk or 0),
        "link_days": settings.WHITEPAPER_LINK_MAX_AGE_DAYS,
    }
    return _no_index(render(request, "assessment/result.html", context))


def _bad_link(request: HttpRequest, assessment: Assessment, *, problem: str, status: int):
    form = FreshLinkForm(action=_new_link_url(assessment))
    response = render(
        request,
        "assessment/link_problem.html",
        {"assessment": assessment, "problem": problem, "form": form},
        status=status,
    )
    return _private(response)


def _new_link_url(assessment: Assessment) -> str:
    return reverse("assessment:new_link", kwargs={"slug": assessment.slug})


def _private[R: HttpResponseBase](response: R) -> R:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _signed_id(
    request: HttpRequest, assessment: Assessment, token: str, read: Callable[[str], int]
) -> int | HttpResponse:
    """The submission id a download link carries, or the friendly page for a bad link.

    Only links we made reach the checks: anything without the signature's separators
    (an id, a file name) is simply not found.
    """
    if ":" not in token:
        raise Http404("No such download.")
    try:
        return read(token)
    except LinkExpired:
        return _bad_link(request, assessment, problem="expired", status=410)
    except LinkTampered:
        return _bad_link(request, assessment, problem="tampered", status=403)


@require_safe
def download(request: HttpRequest, slug: str, token: str) -> HttpResponseBase:
    """Stream the whitepaper for a valid signed link, and note the download."""
    assessment = get_object_or_404(Assessment.objects.select_related("whitepaper"), slug=slug)
    submission_id = _signed_id(request, assessment, token, submission_id_from_download_token)
    if isinstance(submission_id, HttpResponse):
        return submission_id
    submission = Submission.objects.filter(pk=submission_id, assessment=assessment).first()
    whitepaper = assessment.whitepaper
    if submission is None or whitepaper is None or not whitepaper.file:
        raise Http404("No such download.")
    response: HttpResponseBase
    try:
        response = private_file_response(
            whitepaper.file, filename=f"{whitepaper.slug}.pdf", body=request.method != "HEAD"
        )
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    except PrivateStorageUnavailable:
        return _unavailable(request, assessment, file_title=whitepaper.title)
    # Recorded once the file is known readable; HEAD only asks about it.
    if request.method == "GET":
        download_record(submission=submission)
        event_record(kind=Kind.DOWNLOADED, request=request, assessment=slug)
    return _private(response)


def _unavailable(request: HttpRequest, assessment: Assessment, *, file_title: str) -> HttpResponse:
    response = render(
        request,
        "assessment/download_unavailable.html",
        {"assessment": assessment, "file_title": file_title},
        status=503,
    )
    response["Retry-After"] = str(DOWNLOAD_RETRY_AFTER_SECONDS)
    return _private(response)


@require_safe
def report(request: HttpRequest, slug: str, token: str) -> HttpResponseBase:
    """The visitor's personal report PDF for a valid signed link: made at the first
    download and kept (services.report_ensure), the same link rules as the whitepaper."""
    assessment = get_object_or_404(Assessment, slug=slug)
    submission_id = _signed_id(request, assessment, token, submission_id_from_report_token)
    if isinstance(submission_id, HttpResponse):
        return submission_id
    submission = (
        Submission.objects.for_result_page().filter(pk=submission_id, assessment=assessment).first()
    )
    if submission is None:
        raise Http404("No such report.")
    if submission.lead.erased_at is not None:
        # The person asked us to forget them: nothing is made again from what is left.
        gone = render(
            request, "assessment/report_gone.html", {"assessment": assessment}, status=410
        )
        return _private(gone)
    body = request.method != "HEAD"
    try:
        try:
            file = report_ensure(submission=submission)
            response = private_file_response(file, filename=REPORT_FILENAME, body=body)
        except FileNotFoundError:  # recorded, then lost (a restored backup): make it again
            file = report_ensure(submission=submission, remake=True)
            response = private_file_response(file, filename=REPORT_FILENAME, body=body)
    except (PrivateStorageUnavailable, FileNotFoundError, ReportNotMade):
        return _unavailable(request, assessment, file_title=REPORT_TITLE)
    return _private(response)


@require_http_methods(["GET", "HEAD", "POST"])
def new_link(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for a fresh download link. The answer never says whether the address is known."""
    assessment = get_object_or_404(Assessment.objects.select_related("whitepaper"), slug=slug)
    action = _new_link_url(assessment)
    sent_to = None
    if request.method == "POST":
        form = FreshLinkForm(request.POST, action=action)
        if form.is_valid():
            fresh_link_request(assessment=assessment, email=form.cleaned_data["email"])
            sent_to = form.cleaned_data["email"]
    else:
        form = FreshLinkForm(action=action)
    response = render(
        request,
        "assessment/new_link.html",
        {"assessment": assessment, "form": form, "sent_to": sent_to},
    )
    return _private(response)


# Sharing: per band, never per visitor ------------------------------------------------------

# Public and the same for everyone: browsers and the social sites' crawlers may keep them.
SHARE_PAGE_MAX_AGE = 600
SHARE_IMAGE_MAX_AGE = 24 * 3600


def _shared_band(slug: str, band_id: int) -> ResultBand:
    return get_object_or_404(
        ResultBand.objects.select_related("assessment"),
        pk=band_id,
        assessment__slug=slug,
        assessment__is_active=True,
    )


@require_safe
def share(request: HttpRequest, slug: str, band_id: int) -> HttpResponse:
    """What a shared result shows: the quiz and the band, with Open Graph and Twitter cards.
    The personal result page is never the shared address."""
    band = _shared_band(slug, band_id)
    page_url = settings.SITE_URL + share_page_path(band)
    response = render(
        request,
        "assessment/share.html",
        {
            "assessment": band.assessment,
            "band": band,
            "page_url": page_url,
            "image_url": share_image_url(band),
            "quiz_url": settings.SITE_URL + band.assessment.get_absolute_url(),
        },
    )
    response["Cache-Control"] = f"public, max-age={SHARE_PAGE_MAX_AGE}"
    return response


@require_safe
def share_image(request: HttpRequest, slug: str, band_id: int) -> HttpResponse:
    """The band's Open Graph image (1200 x 630 PNG), drawn once and cached."""
    band = _shared_band(slug, band_id)
    etag = f'"{share_image_version(band)}"'
    if etag in request.headers.get("if-none-match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(share_image_bytes(band), content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={SHARE_IMAGE_MAX_AGE}"
    return response
