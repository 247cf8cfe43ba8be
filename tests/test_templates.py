"""Template source rules that Django itself doesn't enforce."""

from pathlib import Path

from django.conf import settings


def test_no_template_comment_spans_lines():
    """Django's {# #} comments are one line only: a multi-line one is printed on the page
    (one once added 105 px of text under the result's chart). Use {% comment %} instead."""
    broken = []
    for template in sorted(Path(settings.BASE_DIR, "templates").rglob("*.*")):
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if "{#" in line and "#}" not in line.split("{#", 1)[1]:
                broken.append(f"{template.relative_to(settings.BASE_DIR)}:{number}")
    assert broken == []
