"""Read articles from .txt, .json and .jsonl files, directories and standard input.

Character offsets: every offset in the graph indexes ``Article.text`` (stored in the graph as
``schema:articleBody``), which is the headline, a blank line, then the body; without a
headline it is the body alone. ``Article.body_start`` (``kg:bodyStart``) is where the body
starts in it. The body is, for a ``.txt`` file, the decoded file content with the metadata
header removed (a leading ``date YYYY-MM-DD`` or ``date:`` line and ``title:`` / ``url:``
lines); for JSON, the ``text`` field with the same header removed if it starts with one.
``Article.text_offset`` (``kg:textOffset``) counts the characters removed, so a body offset
``o`` is character ``o - body_start + text_offset`` of the file (or of the JSON ``text``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import IngestError
from kg.model import Article

SUPPORTED = (".txt", ".json", ".jsonl")
#: Longest article text accepted (spaCy's own limit is 1,000,000 characters).
MAX_CHARS = 1_000_000
MAX_FILE_BYTES = 200 * 1024 * 1024

# no \A: split_header matches at a position, and \A only matches at the string's start
_HEADER = re.compile(
    r"""\s*(?:
        (?P<date>date:?[ \t]+(?P<d>\d{4}-\d{2}-\d{2})\b[ \t]*\n?)
      | (?P<title>title:[ \t]*(?P<t>[^\n]*)\n)
      | (?P<url>url:[ \t]*(?P<u>\S+)[ \t]*\n)
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_date(value: object, where: str) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (or an ISO timestamp starting with it); None stays None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise IngestError(f"{where}: date must be a string like 2018-10-16, got {value!r}")
    match = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?\s*", value)
    if not match:
        raise IngestError(f"{where}: date {value!r} is not of the form YYYY-MM-DD")
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise IngestError(f"{where}: impossible date {value!r} ({exc})") from None


def split_header(text: str, where: str) -> tuple[dict[str, str], str, int]:
    """Split leading metadata lines off ``text``.

    Returns:
        The metadata found, the body, and how many characters were removed.

    Examples:
        >>> split_header(" date 2018-10-16 The governor said.", "x.txt")
        ({'date': '2018-10-16'}, 'The governor said.', 17)
    """
    meta: dict[str, str] = {}
    pos = 1 if text.startswith("\ufeff") else 0  # a byte-order mark is not text
    while True:
        match = _HEADER.match(text, pos)
        if not match:
            break
        kind = match.lastgroup
        assert kind is not None
        key = {"date": "date", "title": "title", "url": "url"}[kind]
        if key in meta:
            break
        meta[key] = (match.group("d") or match.group("t") or match.group("u") or "").strip()
        pos = match.end()
    if meta:
        # the body starts at its first visible character
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return meta, text[pos:], pos


def _decode(data: bytes, where: str) -> str:
    if b"\x00" in data[:8192]:
        raise IngestError(f"{where}: binary content, not a text article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{where}: not valid UTF-8 (byte {exc.start}); re-encode the file as UTF-8"
        ) from None
    return text  # a byte-order mark stays: split_header counts it in text_offset


def _make(
    where: str,
    *,
    id: str,
    text: object,
    title: object = "",
    date: object = None,
    url: object = None,
    source: object = None,
) -> Article:
    if not isinstance(text, str):
        raise IngestError(f"{where}: 'text' must be a string")
    if "\x00" in text:
        raise IngestError(f"{where}: binary content, not a text article")
    meta, body, offset = split_header(text, where)
    if not body.strip():
        raise IngestError(f"{where}: the article text is empty")
    if len(body) > MAX_CHARS:
        raise IngestError(
            f"{where}: the article has {len(body):,} characters, more than the "
            f"{MAX_CHARS:,} newskg analyses; split it into several articles"
        )
    if not id or not re.search(r"\w", id):
        raise IngestError(f"{where}: the article id {id!r} is empty")
    header_date = parse_date(meta.get("date"), where)
    json_date = parse_date(date, where)
    headline = " ".join(str(title or meta.get("title") or "").split())
    return Article(
        id=id,
        text=f"{headline}\n\n{body}" if headline else body,
        body_start=len(headline) + 2 if headline else 0,
        title=headline,
        date=json_date or header_date,
        url=str(url or meta.get("url") or "") or None,
        source=str(source) if source else None,
        text_offset=offset,
    )


def _from_json(obj: Any, where: str, default_id: str) -> Article:
    if not isinstance(obj, dict):
        raise IngestError(f"{where}: expected a JSON object with a 'text' field")
    if "text" not in obj:
        raise IngestError(f"{where}: the JSON object has no 'text' field")
    url = obj.get("url")
    source = obj.get("source")
    if not url and isinstance(source, str) and re.match(r"https?://", source):
        url = source
    raw_id = obj.get("id")
    return _make(
        where,
        id=str(raw_id).strip() if raw_id not in (None, "") else default_id,
        text=obj["text"],
        title=obj.get("title") or "",
        date=obj.get("date"),
        url=url,
        source=source,
    )


def _read_text(
    data: bytes, where: str, stem: str, suffix: str, report: Callable[[IngestError], None]
) -> Iterator[Article]:
    text = _decode(data, where)
    if suffix != ".txt":
        text = text.removeprefix("\ufeff")
    if suffix == ".txt":
        yield _make(where, id=stem, text=text)
    elif suffix == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{where}: malformed JSON ({exc})") from None
        if isinstance(obj, list):
            for n, item in enumerate(obj, 1):
                yield _from_json(item, f"{where}[{n}]", f"{stem}-{n}")
        else:
            yield _from_json(obj, where, stem)
    else:  # .jsonl
        if not text.strip():
            raise IngestError(f"{where}: the file is empty")
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise IngestError(f"{where}:{n}: malformed JSON ({exc})") from None
                yield _from_json(obj, f"{where}:{n}", f"{stem}-{n}")
            except IngestError as exc:
                report(exc)  # one bad line does not hide the good ones after it


def _expand(path_arg: str | Path) -> Iterator[tuple[str, Path | None]]:
    """Yield (display name, path) for each file an argument stands for; None for stdin."""
    if str(path_arg) == "-":
        yield "<stdin>", None
        return
    path = Path(path_arg)
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUPPORTED
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            raise IngestError(f"{path}: the directory holds no .txt, .json or .jsonl article")
        for p in found:
            yield str(p), p
        return
    yield str(path), path


def _read_one(
    where: str, path: Path | None, report: Callable[[IngestError], None]
) -> Iterator[Article]:
    if path is None:
        data = sys.stdin.buffer.read()
        stripped = data.lstrip()
        suffix = ".jsonl" if stripped[:1] == b"{" else ".json" if stripped[:1] == b"[" else ".txt"
        if suffix == ".jsonl" and stripped.rstrip().count(b"\n") == 0:
            suffix = ".json"
        if suffix == ".jsonl":
            # one pretty-printed object is JSON, not JSON lines
            try:
                json.loads(data)
                suffix = ".json"
            except ValueError:
                pass
        yield from _read_text(data, where, "stdin", suffix, report)
        return
    if not path.exists():
        raise IngestError(f"{where}: no such file or directory")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(
            f"{where}: unsupported file type {path.suffix or '(none)'!r}; "
            "use .txt, .json or .jsonl"
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise IngestError(f"{where}: the file is {size:,} bytes, larger than newskg reads")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{where}: cannot read ({exc.strerror})") from None
    yield from _read_text(data, where, path.stem, suffix, report)


def read_articles(
    paths: Iterable[str | Path],
    *,
    on_error: Callable[[IngestError], None] | None = None,
) -> Iterator[Article]:
    """Yield one Article per article found in ``paths`` (files, directories or ``-``).

    Args:
        paths: article files, directories of them, or ``-`` for standard input.
        on_error: called with each bad input, after which reading goes on; without it the
            first bad input raises.

    Raises:
        IngestError: a bad input, when ``on_error`` is not given.
    """
    seen: dict[str, str] = {}

    def report(exc: IngestError) -> None:
        if on_error is None:
            raise exc
        on_error(exc)

    for arg in paths:
        try:
            inputs = list(_expand(arg))
        except IngestError as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        for where, path in inputs:
            try:
                for article in _read_one(where, path, report):
                    if article.id in seen:
                        report(IngestError(
                            f"{where}: article id {article.id!r} is also used by {seen[article.id]}"
                        ))
                        continue
                    seen[article.id] = where
                    yield article
            except IngestError as exc:
                if on_error is None:
                    raise
                on_error(exc)
