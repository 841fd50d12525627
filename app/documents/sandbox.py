"""Read a hostile-prone document in a child process with a wall clock and a memory cap.

``python -m app.documents.sandbox MEDIA_TYPE MAX_PAGES`` reads the bytes on stdin and writes
the ``ReadDocument`` as JSON on stdout. The parent kills it at the deadline, so a PDF whose
content stream never ends, or one with a million objects, costs seconds, never a worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from app.documents.readers.model import DocumentTooLarge, ReadDocument, UnreadableDocument

MEMORY_LIMIT_BYTES = 1024 * 2**20


class ReadTimeout(Exception):
    """The reader did not finish within the time allowed."""


def read_in_child(data: bytes, media_type: str, *, timeout: float, max_pages: int) -> ReadDocument:
    command = [sys.executable, "-m", "app.documents.sandbox", media_type, str(max_pages)]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            command, input=data, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ReadTimeout(f"the document could not be read within {timeout:g} s") from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        # Killed by the memory cap, or crashed: the file is what made it fail.
        raise UnreadableDocument("the document could not be read (its reader failed)") from None
    if "error" in answer:
        kind = DocumentTooLarge if answer["error"] == "too_large" else UnreadableDocument
        raise kind(answer["message"])
    return ReadDocument.from_json(answer["document"])


def _limit_resources() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def _main() -> int:
    from app.documents.readers import READERS
    from app.documents.readers.pdf import read_pdf

    media_type, max_pages = sys.argv[1], int(sys.argv[2])
    if os.name == "posix":
        _limit_resources()
    data = sys.stdin.buffer.read()
    try:
        if media_type == "application/pdf":
            document = read_pdf(data, max_pages=max_pages)
        else:
            document = READERS[media_type](data)
        answer: dict[str, object] = {"document": document.to_json()}
    except DocumentTooLarge as error:
        answer = {"error": "too_large", "message": str(error)}
    except UnreadableDocument as error:
        answer = {"error": "unreadable", "message": str(error)}
    except MemoryError:
        answer = {"error": "too_large", "message": "the document needs too much memory to read"}
    except Exception as error:
        answer = {"error": "unreadable", "message": f"the document cannot be read: {error}"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
