"""Checks on uploaded files: the whitepaper must really be a PDF that opens."""

import logging

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_PDF_BYTES = 25 * 1024 * 1024

# pypdf reports recoverable oddities in ordinary PDFs at WARNING; they are not our problem.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def validate_pdf(file) -> None:
    """Refuse anything that isn't a readable, unencrypted PDF: a renamed file isn't enough."""
    if file.size is not None and file.size > MAX_PDF_BYTES:
        raise ValidationError(
            "This PDF is larger than %(limit)d MB.", params={"limit": MAX_PDF_BYTES // 2**20}
        )
    file.seek(0)
    if file.read(5) != b"%PDF-":
        raise ValidationError("This file isn't a PDF. Upload the whitepaper as a PDF file.")
    file.seek(0)
    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            raise ValidationError("This PDF is password protected. Upload one that isn't.")
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ValidationError(
            "This file starts like a PDF but can't be opened (%(error)s). Export it again.",
            params={"error": str(error)[:120]},
        ) from error
    finally:
        file.seek(0)
    if pages == 0:
        raise ValidationError("This PDF has no pages.")


def validate_whitepaper_upload(file) -> None:
    """The whitepaper's checks wherever one comes in (admin form, content import):
    a .pdf name, and a PDF that really opens."""
    FileExtensionValidator(["pdf"])(file)
    validate_pdf(file)
