"""Writes with side effects for the quiz. Views, forms and the admin call these."""

import logging
import secrets
import time
from collections.abc import Hashable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from crm_webhooks.events import Event
from crm_webhooks.services import queue_event
from insights.services import visit_start
from leads.cleaning import clean_line, normalise_email
from leads.crm_payloads import lead_reference, lead_subject
from leads.models import SOURCE_FIELDS, Lead, OutboundEmail
from leads.scoring import lead_score_refresh
from leads.services import (
    email_enqueue_template,
    lead_capture,
    lead_notify_team,
)
from leads.tokens import confirm_url

from .advice import SignWording, all_traits, strongest_traits, weak_traits
from .charts import sign_chart
from .links import download_url, report_url
from .models import (
    STANDARD_SCALE,
    Answer,
    Assessment,
    Choice,
    Download,
    Question,
    ResultBand,
    Sign,
    Submission,
    Whitepaper,
)
from .progress import Quiz, QuizProgress, progress_session_key, result_session_key
from .report_pdf import report_pdf
from .reports import report_content
from .storage import private_file_save

logger = logging.getLogger(__name__)

SOURCE_SESSION_KEY = "assessment:source"
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@transaction.atomic
def question_scale_add(*, question: Question) -> list[Choice]:
    """Give a question with no answers yet the standard five-point agreement scale.

    Staff then only edit choices for the rare question that needs a different scale.
    """
    if question.choices.exists():
        return []
    return Choice.objects.bulk_create(
        Choice(question=question, order=n, label=label, value=value)
        for n, (label, value) in enumerate(STANDARD_SCALE, start=1)
    )


def quiz_start(*, session: SessionBase, assessment: Assessment) -> QuizProgress:
    """Begin (or begin again) with no answers, noting when, for a later speed check on bots."""
    progress = QuizProgress(started_at=timezone.now(), answers={})
    session[progress_session_key(assessment)] = progress.to_session()
    visit_start(session=session, landing_path=source_from_session(session).get("landing_path", ""))
    return progress


def quiz_start_unless_underway(*, session: SessionBase, assessment: Assessment) -> bool:
    """An article's call to action starts the quiz at once: the intro's Start would be one tap
    more. Not when this browser already has answers (the intro offers to continue, or shows
    the result), nor when the quiz has no questions yet (the intro says so)."""
    progress = QuizProgress.from_session(session, assessment)
    if (progress is not None and progress.answers) or not assessment.questions.exists():
        return False
    quiz_start(session=session, assessment=assessment)
    return True


def answer_record(
    *,
    session: SessionBase,
    assessment: Assessment,
    progress: QuizProgress,
    question_id: int,
    choice_id: int,
) -> QuizProgress:
    """Keep one answer in the visitor's session; nothing is stored in the database yet."""
    progress.answers[question_id] = choice_id
    session[progress_session_key(assessment)] = progress.to_session()
    return progress


def whitepaper_file_discard(*, whitepaper: Whitepaper, old_name: str) -> None:
    """Delete a replaced PDF from private storage, once the new one is safely saved."""
    if not old_name or old_name == whitepaper.file.name:
        return
    storage = whitepaper.file.storage
    # robust: a failed delete is logged, not raised after the commit (the save stands).
    transaction.on_commit(lambda: storage.delete(old_name), robust=True)


# Where visitors come from ------------------------------------------------------------------


def source_remember(
    *,
    session: SessionBase,
    landing_path: str,
    landing_title: str,
    referrer: str = "",
    params: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Keep the first page, referrer and UTM parameters of the visitor's first arrival.

    First touch wins: later calls return what is already there. It lives in the session
    the quiz needs anyway, so no extra cookie is set for it.
    """
    existing = session.get(SOURCE_SESSION_KEY)
    if isinstance(existing, dict):
        return existing
    params = params or {}
    raw = {
        "landing_path": landing_path,
        "landing_title": landing_title,
        "referrer": referrer,
        **{name: params.get(name, "") for name in UTM_FIELDS},
    }
    source = {name: clean_line(raw[name], max_length=SOURCE_FIELDS[name]) for name in raw}
    session[SOURCE_SESSION_KEY] = source
    return source


def source_from_session(session: SessionBase) -> dict[str, str]:
    source = session.get(SOURCE_SESSION_KEY)
    if not isinstance(source, dict):
        return {}
    return {name: str(source.get(name, "")) for name in SOURCE_FIELDS}


def utm_from_url(url: str) -> dict[str, str]:
    """The UTM parameters in a URL's query string (such as the article a visitor read)."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return {}
    return {k: v for k, v in parse_qsl(query) if k in UTM_FIELDS}


# Submitting the quiz -----------------------------------------------------------------------


def quiz_too_fast(*, progress: QuizProgress, now: datetime | None = None) -> bool:
    """Finished sooner than QUIZ_MIN_SECONDS after starting: a person can't read that fast."""
    elapsed = (now or timezone.now()) - progress.started_at
    return elapsed < timedelta(seconds=settings.QUIZ_MIN_SECONDS)


def submission_create(
    *,
    quiz: Quiz,
    progress: QuizProgress,
    bands: list[ResultBand],
    email: str,
    first_name: str,
    current_role: str = "",
    consent_follow_ups: bool,
    consent_text: str,
    ip_address: str | None,
    source: Mapping[str, str],
    time_zone: str = "",
) -> Submission:
    """Save the lead and the scored submission, and queue the result email, all at once.

    One transaction: if any part fails, nothing is kept and no email goes out (emails are
    handed to Celery only on commit). Sending the same run of the quiz again (a double
    click, a resent form) returns the submission already made. Raises ValidationError
    when leads refuses the address or name.
    """
    try:
        with transaction.atomic():
            return _submission_create(
                quiz=quiz,
                progress=progress,
                bands=bands,
                email=email,
                first_name=first_name,
                current_role=current_role,
                consent_follow_ups=consent_follow_ups,
                consent_text=consent_text,
                ip_address=ip_address,
                source=source,
                time_zone=time_zone,
            )
    except IntegrityError:
        existing = Submission.objects.for_result_page().filter(key=progress.key).first()
        if existing is None:
            raise
        return existing


def _submission_create(
    *,
    quiz: Quiz,
    progress: QuizProgress,
    bands: list[ResultBand],
    email: str,
    first_name: str,
    current_role: str,
    consent_follow_ups: bool,
    consent_text: str,
    ip_address: str | None,
    source: Mapping[str, str],
    time_zone: str = "",
) -> Submission:
    by_pk: dict[Hashable, ResultBand] = {band.pk: band for band in bands}
    result = quiz.result(progress, [band.scoring_band() for band in bands])
    band = by_pk.get(result.band.key) if result.band else None
    lead = lead_capture(
        email=email,
        first_name=first_name,
        current_role=current_role,
        consent_follow_ups=consent_follow_ups,
        consent_text=consent_text,
        ip_address=ip_address,
        source=dict(source),
        segment=band.title if band else "",
        time_zone=time_zone,
    )
    source_values = {
        name: clean_line(source.get(name, ""), max_length=length)
        for name, length in SOURCE_FIELDS.items()
    }
    submission = Submission.objects.create(
        assessment=quiz.assessment,
        lead=lead,
        key=progress.key,
        total_score=result.total,
        lowest_score=result.lowest,
        highest_score=result.highest,
        trait_scores={
            trait: {"points": s.points, "lowest": s.lowest, "highest": s.highest}
            for trait, s in result.traits.items()
        },
        strongest_trait=result.strongest or "",
        weakest_trait=result.weakest or "",
        band=band,
        band_title=band.title if band else "",
        started_at=progress.started_at,
        finished_at=timezone.now(),
        **source_values,
    )
    Answer.objects.bulk_create(_answers(quiz, progress, submission))
    lead_score_refresh(lead=lead)  # the new result changes the lead's fit
    result_email_enqueue(submission=submission, ask_to_confirm=consent_follow_ups)
    lead_notify_team(lead=lead)  # once per lead: a returning visitor finds it already made
    queue_event(
        Event.SUBMISSION_COMPLETED,
        submission_crm_data(submission),
        key=f"submission.completed:{submission.pk}",
        subject=lead_subject(lead),
    )
    return submission


def submission_crm_data(submission: Submission) -> dict[str, Any]:
    """The quiz result as the firm's CRM gets it (docs/webhooks.schema.json): the scores
    and the result, not the answers one by one."""
    return {
        "submission": {
            "id": submission.pk,
            "assessment": {
                "slug": submission.assessment.slug,
                "title": submission.assessment.title,
            },
            "result": submission.band_title,
            "total_score": submission.total_score,
            "lowest_score": submission.lowest_score,
            "highest_score": submission.highest_score,
            "strongest_trait": submission.strongest_trait,
            "weakest_trait": submission.weakest_trait,
            "finished_at": submission.finished_at,
        },
        "lead": lead_reference(submission.lead),
    }


def _answers(quiz: Quiz, progress: QuizProgress, submission: Submission) -> list[Answer]:
    answers = []
    for position, (question, item) in enumerate(
        zip(quiz.questions, quiz.scoring_items(), strict=True), start=1
    ):
        choice = next(c for c in quiz.choices[question.pk] if c.pk == progress.answers[question.pk])
        points = (
            item.min_value + item.max_value - choice.value if item.reverse_scored else choice.value
        )
        answers.append(
            Answer(
                submission=submission,
                question=question,
                choice=choice,
                position=position,
                question_text=question.text,
                trait=question.trait,
                choice_label=choice.label,
                value=choice.value,
                points=points,
            )
        )
    return answers


def result_page_context(submission: Submission) -> dict[str, Any]:
    """The result page's extras: every sign for the chart, and the two most useful next
    steps (the weakest signs first)."""
    wording = Sign.objects.by_trait()
    traits = all_traits(submission.trait_scores, wording)
    weak = weak_traits(submission.trait_scores, submission.weakest_trait, wording)
    return result_context(submission, wording=wording) | {
        "chart": sign_chart(traits=traits),
        "traits": traits,
        "next_steps": weak[:2],
        "more_steps": weak[2:],
        "weak_signs": [view.trait for view in weak],  # to choose the reading by
    }


def result_context(
    submission: Submission, *, wording: Mapping[str, SignWording] | None = None
) -> dict[str, Any]:
    """What the result page and the result email both show, in the signs' edited wording
    (read here unless the caller already has it)."""
    if wording is None:
        wording = Sign.objects.by_trait()
    scores = submission.trait_scores
    return {
        "submission": submission,
        "assessment": submission.assessment,
        "band": submission.band,
        "strongest": strongest_traits(scores, submission.strongest_trait, wording),
        "weak": weak_traits(scores, submission.weakest_trait, wording),
        "whitepaper": submission.assessment.whitepaper,
    }


def result_email_context(
    *, submission: Submission, lead: Lead, confirm_link: str
) -> dict[str, Any]:
    """What templates/emails/result.* read; the email previews build theirs here too."""
    return result_context(submission) | {
        "lead": lead,
        "download_url": download_url(slug=submission.assessment.slug, submission_id=submission.pk),
        "report_url": report_url(slug=submission.assessment.slug, submission_id=submission.pk),
        "link_days": settings.WHITEPAPER_LINK_MAX_AGE_DAYS,
        "confirm_url": confirm_link,
    }


def result_email_enqueue(*, submission: Submission, ask_to_confirm: bool) -> OutboundEmail:
    """The result email, once per submission. The confirm link only for a fresh opt-in."""
    lead = submission.lead
    asks = ask_to_confirm and lead.consented and not lead.confirmed_at
    context = result_email_context(
        submission=submission, lead=lead, confirm_link=confirm_url(lead.pk) if asks else ""
    )
    return email_enqueue_template(
        lead=lead,
        kind=OutboundEmail.Kind.RESULT,
        dedupe_key=f"result-{submission.pk}",
        template="result",
        context=context,
    )


def result_remember(
    *, session: SessionBase, assessment: Assessment, progress: QuizProgress, submission_id: int
) -> None:
    """Let this browser, and only this one, see the result page, also after a reload."""
    session[result_session_key(assessment)] = {"key": progress.key, "submission": submission_id}


def result_pretend(
    *,
    session: SessionBase,
    quiz: Quiz,
    progress: QuizProgress,
    bands: list[ResultBand],
    email: str,
    first_name: str,
) -> None:
    """For a bot (honeypot filled, or far too fast): a result page, but nothing stored or sent.

    It looks like success, so the bot's author has no signal to tune against.
    """
    result = quiz.result(progress, [band.scoring_band() for band in bands])
    session[result_session_key(quiz.assessment)] = {
        "key": progress.key,
        "pretend": {
            "email": email,
            "first_name": first_name,
            "total_score": result.total,
            "lowest_score": result.lowest,
            "highest_score": result.highest,
            "trait_scores": {
                trait: {"points": s.points, "lowest": s.lowest, "highest": s.highest}
                for trait, s in result.traits.items()
            },
            "strongest_trait": result.strongest or "",
            "weakest_trait": result.weakest or "",
            "band_id": result.band.key if result.band else None,
            "band_title": result.band.title if result.band else "",
        },
    }


# Personal data (GDPR) ---------------------------------------------------------------------


def submissions_erase(*, lead: Lead) -> int:
    """Right to erasure for the quiz (registered in leads.hooks).

    Where the person came from goes (first page, referrer, campaign: a referrer or a
    campaign link can name them); answers, scores, band and times stay, anonymous once the
    lead is erased, so the quiz's statistics remain true. Returns how many were erased.
    """
    submissions = Submission.objects.filter(lead=lead)
    for submission in submissions.exclude(report=""):
        report_discard(submission=submission)
    return submissions.update(**dict.fromkeys(SOURCE_FIELDS, ""))


# The personal report -------------------------------------------------------------------------


class ReportNotMade(Exception):
    """Laying out the report failed (logged): the visitor is asked to try again, never
    shown a 500 or an empty file."""


def report_ensure(*, submission: Submission, remake: bool = False) -> FieldFile:
    """The submission's report PDF, made and stored in private storage the first time it is
    asked for (or again with `remake`, when the stored file went missing).

    Made on the first download, not by a Celery task at submission: most visitors never open
    it, making it takes a fraction of a second, and a visitor can never arrive before a
    worker has made it (no "not ready yet" page, no empty file). Two first downloads at
    once each make one; the first to record its file wins and the other's is deleted, so
    no lock is needed across processes. Raises PrivateStorageUnavailable or ReportNotMade.
    """
    if submission.report and not remake:
        return submission.report
    started = time.perf_counter()
    try:
        rendered = report_pdf(report_content(submission))
    except Exception as exc:
        logger.exception("Report for submission %s could not be made", submission.pk)
        raise ReportNotMade from exc
    storage = submission.report.storage
    # A random part: the name alone must not lead anyone to a file, even in a bucket listing.
    name = private_file_save(
        storage,
        f"reports/report-{submission.pk}-{secrets.token_hex(8)}.pdf",
        ContentFile(rendered.pdf),
    )
    old = submission.report.name or ""
    won = Submission.objects.filter(pk=submission.pk, report=old).update(report=name)
    if not won:  # another request stored one first: keep theirs, drop ours
        transaction.on_commit(lambda: storage.delete(name), robust=True)
        submission.refresh_from_db(fields=["report"])
        return submission.report
    if old:
        transaction.on_commit(lambda: storage.delete(old), robust=True)
    submission.report.name = name
    logger.info(
        "Report for submission %s made: %d KB, %d pages, %.0f ms",
        submission.pk,
        len(rendered.pdf) // 1024,
        rendered.pages,
        (time.perf_counter() - started) * 1000,
    )
    return submission.report


def report_discard(*, submission: Submission) -> None:
    """Forget the stored report (it holds the person's name): the row now, the file once
    the transaction commits. A failed delete is logged, not raised."""
    name = submission.report.name
    if not name:
        return
    storage = submission.report.storage
    Submission.objects.filter(pk=submission.pk).update(report="")
    submission.report.name = ""
    transaction.on_commit(lambda: storage.delete(name), robust=True)


# The whitepaper download -------------------------------------------------------------------


def download_record(*, submission: Submission) -> Download:
    download = Download.objects.create(submission=submission)
    lead_score_refresh(lead=submission.lead)
    return download


def fresh_link_request(*, assessment: Assessment, email: str) -> None:
    """Hand a fresh-link request to a worker, so the form answers in the same time for a
    known and an unknown address (no timing side channel on who took the quiz).

    If the broker is down the request is served in-process instead: a slower answer is
    better than a visitor who never gets their link.
    """
    from .tasks import send_fresh_link  # tasks import services; import late to avoid a cycle

    try:
        send_fresh_link.apply_async(kwargs={"assessment_id": assessment.pk, "email": email})
    except Exception:
        logger.exception("Could not queue a fresh-link request; sending it in-process")
        fresh_link_send(assessment=assessment, email=email)


def fresh_link_send(*, assessment: Assessment, email: str) -> OutboundEmail | None:
    """Email a new download link if this address took this quiz; None otherwise.

    The caller shows the same words either way, so the form can't tell anyone who took
    the quiz. At most one such email an hour per submission, so the form can't be used to
    flood someone's inbox.
    """
    try:
        address = normalise_email(email)
    except ValidationError:
        return None
    submission = (
        Submission.objects.for_result_page()
        .filter(assessment=assessment, lead__email=address)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if submission is None or submission.assessment.whitepaper is None:
        return None
    lead: Lead = submission.lead
    context = fresh_link_context(submission=submission, lead=lead)
    hour = timezone.now().strftime("%Y%m%d%H")
    with transaction.atomic():
        return email_enqueue_template(
            lead=lead,
            kind=OutboundEmail.Kind.FRESH_LINK,
            dedupe_key=f"fresh-link-{submission.pk}-{hour}",
            template="fresh_link",
            context=context,
        )


def fresh_link_context(*, submission: Submission, lead: Lead) -> dict[str, Any]:
    """What templates/emails/fresh_link.* read; the email previews build theirs here too."""
    return {
        "submission": submission,
        "assessment": submission.assessment,
        "whitepaper": submission.assessment.whitepaper,
        "lead": lead,
        "download_url": download_url(slug=submission.assessment.slug, submission_id=submission.pk),
        "report_url": report_url(slug=submission.assessment.slug, submission_id=submission.pk),
        "link_days": settings.WHITEPAPER_LINK_MAX_AGE_DAYS,
    }
