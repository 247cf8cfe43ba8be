"""Whitepapers and quizzes in the content file (export_content / import_content).

Whitepapers and assessments are matched by slug. An assessment's questions (with their
answers) and result bands have no key of their own, so they are matched by position: the
file's first question updates the first one here, and so on; extra ones are added, missing
ones removed. Rows that already match are not touched, so importing twice changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from assessment.models import STANDARD_SCALE, Assessment, Choice, Question, ResultBand, Whitepaper
from assessment.validators import validate_whitepaper_upload
from operations.content.format import (
    FILE_OR_NONE,
    LIST,
    NUMBER,
    TEXT,
    TEXT_OR_NONE,
    YES_NO,
    ContentError,
    ImportRun,
    fields_update,
    file_decode,
    file_export,
    image_decode,
    matched_by_slug,
    outcome,
    records,
    shape_problems,
)

WHITEPAPER_SHAPE = {
    "slug": TEXT,
    "title": TEXT,
    "description": TEXT,
    "file": FILE_OR_NONE,
    "cover_image": FILE_OR_NONE,
    "cover_image_alt": TEXT,
}
ASSESSMENT_SHAPE = {
    "slug": TEXT,
    "title": TEXT,
    "introduction": TEXT,
    "estimated_minutes": NUMBER,
    "is_active": YES_NO,
    "whitepaper": TEXT_OR_NONE,
    "questions": LIST,
    "result_bands": LIST,
}
QUESTION_SHAPE = {
    "order": NUMBER,
    "text": TEXT,
    "trait": TEXT,
    "reverse_scored": YES_NO,
    "choices": LIST,
}
CHOICE_SHAPE = {"order": NUMBER, "label": TEXT, "value": NUMBER}
BAND_SHAPE = {
    "min_score": NUMBER,
    "max_score": NUMBER,
    "title": TEXT,
    "summary": TEXT,
    "advice": TEXT,
}
STANDARD_CHOICES = [
    {"order": n, "label": label, "value": value}
    for n, (label, value) in enumerate(STANDARD_SCALE, start=1)
]


def _plain(shape: dict) -> list[str]:
    """The fields stored as they are (not lists, files or references to other rows)."""
    return [name for name, kind in shape.items() if kind in (TEXT, NUMBER, YES_NO)]


def _values(obj, shape: dict) -> dict:
    return {name: getattr(obj, name) for name in _plain(shape)}


def _values_from(row: dict, shape: dict) -> dict:
    return {name: row[name] for name in _plain(shape)}


def whitepapers_export() -> list[dict]:
    return [
        _values(paper, WHITEPAPER_SHAPE)
        | {
            "file": file_export(paper.file, f"whitepapers '{paper.slug}'"),
            "cover_image": file_export(paper.cover_image, f"whitepapers '{paper.slug}'"),
        }
        for paper in Whitepaper.objects.order_by("pk")
    ]


def assessments_export() -> list[dict]:
    """Every quiz with its questions, answers and bands, in four queries."""
    assessments = Assessment.objects.select_related("whitepaper").prefetch_related(
        Prefetch("questions", Question.objects.prefetch_related("choices")), "result_bands"
    )
    return [
        _values(assessment, ASSESSMENT_SHAPE)
        | {
            "whitepaper": assessment.whitepaper.slug if assessment.whitepaper else None,
            "questions": [
                _values(question, QUESTION_SHAPE)
                | {"choices": [_values(c, CHOICE_SHAPE) for c in question.choices.all()]}
                for question in assessment.questions.all()
            ],
            "result_bands": [_values(band, BAND_SHAPE) for band in assessment.result_bands.all()],
        }
        for assessment in assessments.order_by("pk")
    ]


def whitepapers_read(data: dict, problems: list[str]) -> list[dict]:
    rows = []
    for where, row in records(data, "whitepapers", WHITEPAPER_SHAPE, problems):
        pdf = file_decode(row["file"], f"{where}.file", problems)
        if row["file"] is None:
            problems.append(f"{where}.file: the whitepaper's PDF is missing.")
        elif pdf is not None:
            try:
                validate_whitepaper_upload(pdf)  # the admin's own check: .pdf, opens as a PDF
            except ValidationError as error:
                problems += [f"{where}.file: {message}" for message in error.messages]
        cover = image_decode(row["cover_image"], f"{where}.cover_image", problems)
        rows.append(row | {"file": pdf, "cover_image": cover, "where": where})
    return rows


def assessments_read(data: dict, problems: list[str], *, whitepapers: set[str]) -> list[dict]:
    rows = []
    for where, row in records(data, "assessments", ASSESSMENT_SHAPE, problems):
        if row["whitepaper"] is not None and row["whitepaper"] not in whitepapers:
            problems.append(
                f"{where}.whitepaper: no whitepaper '{row['whitepaper']}' here or in the file."
            )
        questions = []
        for q, question in enumerate(row["questions"]):
            found = shape_problems(question, QUESTION_SHAPE, f"{where}.questions[{q}]")
            if not found:
                choices = question["choices"] or STANDARD_CHOICES  # as the admin does
                found = [
                    problem
                    for c, choice in enumerate(choices)
                    for problem in shape_problems(
                        choice, CHOICE_SHAPE, f"{where}.questions[{q}].choices[{c}]"
                    )
                ]
                values = [c.get("value") for c in choices if isinstance(c, dict)]
                if not found and len(set(values)) != len(values):
                    found = [f"{where}.questions[{q}].choices: two answers have the same value."]
                if not found:
                    questions.append(question | {"choices": _by(choices, "order")})
            problems += found
        bands = row["result_bands"]
        for b, band in enumerate(bands):
            problems += shape_problems(band, BAND_SHAPE, f"{where}.result_bands[{b}]")
        if problems:
            continue
        # In the order this site lists them, so position n here is position n there.
        questions, bands = _by(questions, "order"), _by(bands, "min_score")
        rows.append(row | {"questions": questions, "result_bands": bands, "where": where})
    return rows


def whitepapers_import(rows: list[dict], run: ImportRun) -> None:
    for row, paper, created in matched_by_slug(Whitepaper, rows):
        changed = fields_update(paper, _values_from(row, WHITEPAPER_SHAPE))
        for name in ("file", "cover_image"):
            field_file, where = getattr(paper, name), f"{row['where']}.{name}"
            changed = run.file_replace(field_file, row[name], where) or changed
        if changed:
            run.save(paper, row["where"])
        run.note(outcome("Whitepaper", paper.slug, created, changed))


def assessments_import(rows: list[dict], run: ImportRun) -> dict[str, Assessment]:
    """Create or update each quiz by slug; returns every quiz by slug, for articles."""
    papers = {paper.slug: paper for paper in Whitepaper.objects.all()}
    for row, assessment, created in matched_by_slug(Assessment, rows):
        changed = fields_update(
            assessment,
            _values_from(row, ASSESSMENT_SHAPE)
            | {"whitepaper": papers.get(row["whitepaper"]) if row["whitepaper"] else None},
        )
        if changed:
            run.save(assessment, row["where"])
        changed = _questions_sync(assessment, row["questions"], run, row["where"]) or changed
        changed = _bands_sync(assessment, row["result_bands"], run, row["where"]) or changed
        problems = assessment.band_problems()
        if problems:  # the admin refuses these too
            raise ContentError([f"{row['where']}.result_bands: {p}" for p in problems])
        run.note(outcome("Assessment", assessment.slug, created, changed))
    return {assessment.slug: assessment for assessment in Assessment.objects.all()}


def _questions_sync(assessment: Assessment, rows: list[dict], run: ImportRun, where: str) -> bool:
    current = list(assessment.questions.prefetch_related("choices")) if assessment.pk else []
    changed = _remove_extra(current, len(rows))
    for n, row in enumerate(rows):
        question = current[n] if n < len(current) else Question(assessment=assessment)
        if fields_update(question, _values_from(row, QUESTION_SHAPE)) or question.pk is None:
            run.save(question, f"{where}.questions[{n}]")
            changed = True
        choices = list(question.choices.all()) if n < len(current) else []
        changed = _remove_extra(choices, len(row["choices"])) or changed
        for c, values in enumerate(row["choices"]):
            choice = choices[c] if c < len(choices) else Choice(question=question)
            if fields_update(choice, values) or choice.pk is None:
                run.save(choice, f"{where}.questions[{n}].choices[{c}]")
                changed = True
    return changed


def _bands_sync(assessment: Assessment, rows: list[dict], run: ImportRun, where: str) -> bool:
    current = list(assessment.result_bands.all())
    changed = _remove_extra(current, len(rows))
    for n, values in enumerate(rows):
        band = current[n] if n < len(current) else ResultBand(assessment=assessment)
        if fields_update(band, values) or band.pk is None:
            run.save(band, f"{where}.result_bands[{n}]")
            changed = True
    return changed


def _by(rows: list[dict], key: str) -> list[dict]:
    return sorted(rows, key=lambda row: row[key])


def _remove_extra(current: list, wanted: int) -> bool:
    for obj in current[wanted:]:
        obj.delete()
    return len(current) > wanted
