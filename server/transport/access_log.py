"""The access log without secrets: an invite link's code is its key (whoever reads the log could join), and a
token in a query string (a Socket.IO client may put it there) is a login. Both are written as `***`."""
from __future__ import annotations

import re

from aiohttp.web_log import AccessLogger

# /invite/<code> (the page) and /api/invites/<code>/... (the API)
_INVITE_PATH = re.compile(r"(/(?:api/)?invites?/)[^/?#\s\"]+", re.IGNORECASE)
_SECRET_PARAM = re.compile(r"([?&](?:token|access_token|auth|code|invite|password|secret)=)[^&#\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` (a request line, a path, a Referer) with invite codes and secret query values replaced."""
    if "/invite" not in text.lower() and "=" not in text:
        return text
    return _SECRET_PARAM.sub(r"\1***", _INVITE_PATH.sub(r"\1***", text))


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access logger (same format), each value passed through `redact`."""

    def _format_line(self, request, response, time):
        return [(key, redact(value) if isinstance(value, str) else value)
                for key, value in super()._format_line(request, response, time)]
