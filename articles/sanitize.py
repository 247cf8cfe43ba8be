"""One allowlist for the article editor and for the HTML we serve.

The editor and the server-side sanitiser share BODY_EXTENSIONS, so staff can only make
what will survive cleaning. Scripts, event handlers and javascript: links never survive.
"""

from functools import cache

from django_prose_editor.fields import create_sanitizer

BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


@cache
def _sanitizer():
    return create_sanitizer(BODY_EXTENSIONS)


def sanitize_body(html: str) -> str:
    """Clean article HTML with the editor's allowlist."""
    return _sanitizer()(html or "")
