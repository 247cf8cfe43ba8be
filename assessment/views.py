"""The visitor's path through a quiz: intro, one question a page, then their details.

Everything works without JavaScript. Progress lives in the session; any bad or stale
request is sent somewhere sensible with a message, never a 500.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import DetailsForm
from .models import Assessment, Choice
from .progress import Quiz, QuizProgress
from .services import answer_record, quiz_start


def _quiz_or_404(request: HttpRequest, slug: str) -> Quiz:
    """Active quizzes for everyone; inactive ones only for staff, as a preview.

    One query in the usual case, so every step stays within its query budget.
    """
    quiz = Quiz.from_choices(Choice.objects.for_quiz(slug))
    if quiz is None:  # unknown, or nothing to answer yet
        assessment = Assessment.objects.select_related("whitepaper").filter(slug=slug).first()
        quiz = Quiz(assessment=assessment) if assessment else None
    if quiz is None or not (quiz.assessment.is_active or request.user.is_staff):
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
        quiz_start(session=request.session, assessment=assessment)
        return redirect(_step_url(assessment, 1))
    progress = QuizProgress.from_session(request.session, assessment)
    resume_url = None
    if progress is not None and progress.answers:
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
        {"assessment": assessment, "question_count": question_count, "resume_url": resume_url},
    )


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
            return redirect(_details_url(assessment))
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
    if quiz.first_unanswered(progress) is not None:
        return _back_to_unanswered(
            request,
            quiz,
            progress,
            "Please answer every question first: this is the next one to answer.",
        )
    action = _details_url(assessment)
    not_yet_sent = False
    if request.method == "POST":
        form = DetailsForm(request.POST, action=action)
        # Next step of the issue: lead_capture() and email_enqueue() from the leads app.
        # Until then a valid form is shown again with a notice; nothing is stored or sent.
        not_yet_sent = form.is_valid()
    else:
        form = DetailsForm(action=action)
    return _no_index(
        render(
            request,
            "assessment/details.html",
            {
                "assessment": assessment,
                "form": form,
                "not_yet_sent": not_yet_sent,
                "total": len(quiz),
                "last_step_url": _step_url(assessment, len(quiz)),
            },
        )
    )
