"""Errors raised by the scan package, each with a stable ``code``.

The web layer turns them into ``{"error": {"code", "message"}}`` with a 4xx status;
both derive from ValueError because they always describe bad input, never a bug. The
message is an English msgid with values (see ``errors.TextError``), shown in the user's
language by the service that catches it.
"""

from __future__ import annotations

from ..errors import TextError


class ScanError(TextError):
    """Base of the scan errors: a stable machine ``code`` and a human ``message``."""

    def __init__(self, code: str, template: str, **values) -> None:
        super().__init__(template, **values)
        self.code = code
        self.message = str(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class BarcodeError(ScanError):
    """A scanned or typed payload that cannot be accepted.

    Codes: ``empty_payload``, ``invalid_check_digit``, ``invalid_gs1``.
    """


class ImageRejected(ScanError):
    """An uploaded image refused before or while decoding.

    Codes: ``not_an_image``, ``image_too_large`` (too many pixels),
    ``upload_too_large`` (too many bytes), ``truncated_image`` (its end is missing),
    ``bad_image`` (a checksum fails, or the decoder fails on it).
    """
