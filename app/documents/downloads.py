"""How a rendered document goes out: its media types, file name and headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.responses import Response

HTML_MEDIA_TYPE = "text/html; charset=utf-8"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The page has no script, image or font to fetch: only its own inline stylesheet may apply.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def content_disposition(kind: str, filename: str, fallback: str) -> str:
    """RFC 6266 with an RFC 5987 ``filename*`` for the Chinese name, and an ASCII fallback
    for clients that read only ``filename``."""
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def document_response(
    content: bytes | str,
    *,
    media_type: str,
    filename: str,
    fallback: str,
    etag: str,
    inline: bool,
) -> Response:
    headers = {
        "Content-Disposition": content_disposition(
            "inline" if inline else "attachment", filename, fallback
        ),
        "ETag": etag,
        # Who calls decides which revision is shown (drafts for the agency's keys).
        "Vary": "Authorization",
        "X-Content-Type-Options": "nosniff",
    }
    if media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = DOCUMENT_CSP
    return Response(content=content, media_type=media_type, headers=headers)


def openapi_content(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    schema = (
        {"type": "string"}
        if media_type.startswith("text/")
        else {"type": "string", "format": "binary"}
    )
    return {200: {"description": description, "content": {media_type: {"schema": schema}}}}
