"""The seed quiz's band wording, warmer (#12): only rows still holding the shipped text
change, so anything staff wrote stays as it is."""

from django.db import migrations

JOB_SUMMARY = (
    "Right now you are more focused on your job than on your career. You value "
    "stability, and it would take a big change to make you look elsewhere.",
    "You do your job well and you value stability. Right now your job gets more of "
    "your attention than your career, and that is the easiest thing to change.",
)
JOB_ADVICE = (
    "That can be the right call for a season: a new baby, aging parents or a child "
    "finishing high school all take time. Just don't lose sight of where you want to "
    "end up. Write your long-term goal in one sentence, and list the skills between "
    "you and it. Remember the top sales person who stayed comfortable, never led "
    "anyone, and then found his next step was sideways rather than up. Pick one small "
    "step this quarter, such as mentoring a new colleague, so that when change comes "
    "you have choices.",
    "That can be the right call for a season: a new baby, aging parents or a child "
    "finishing high school all take time. Just don't lose sight of where you want to "
    "end up. Write your long-term goal in one sentence, and list the skills between "
    "you and it. Then pick one small step this quarter, such as mentoring a new "
    "colleague, so that when change comes you have choices, and your next move is up "
    "rather than sideways.",
)
BETWEEN_SUMMARY = (
    "You have some of the habits of a career-focused professional, and some of the "
    "comfort of a job-focused one.",
    "You already have some of the habits of a career-focused professional, and the "
    "steadiness of a job-focused one: a strong base to build on.",
)
CHANGES = [("summary", JOB_SUMMARY), ("advice", JOB_ADVICE), ("summary", BETWEEN_SUMMARY)]


def forwards(apps, schema_editor):
    ResultBand = apps.get_model("assessment", "ResultBand")
    for field, (old, new) in CHANGES:
        ResultBand.objects.filter(**{field: old}).update(**{field: new})


def backwards(apps, schema_editor):
    ResultBand = apps.get_model("assessment", "ResultBand")
    for field, (old, new) in CHANGES:
        ResultBand.objects.filter(**{field: new}).update(**{field: old})


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_submission_source_help_text")]

    operations = [migrations.RunPython(forwards, backwards)]
