"""Tests for kg.ingest: articles from .txt, .json, .jsonl, directories and stdin; bad input."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE

from kg.errors import IngestError
from kg.ingest import MAX_CHARS, read_articles
from kg.model import Article


def read_one(path: str | Path) -> Article:
    (article,) = read_articles([path])
    return article


def write_json(path: Path, obj: Any) -> Path:
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


class FakeStdin:
    """Stands in for sys.stdin: read_articles reads bytes from ``.buffer``."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_ingest_example_date_comes_from_the_header() -> None:
    assert read_one(EXAMPLE).date == dt.date(2018, 10, 16)


def test_ingest_example_text_starts_after_the_header() -> None:
    article = read_one(EXAMPLE)
    assert article.text.startswith("The governor")
    assert article.id == "xinjiang-2018-10-16"


def test_ingest_example_text_offset_lines_up_with_the_file() -> None:
    article = read_one(EXAMPLE)
    file_text = EXAMPLE.read_text(encoding="utf-8")
    start = article.text.index("Shohrat Zakir")
    at = start - article.body_start + article.text_offset
    assert file_text[at : at + len("Shohrat Zakir")] == "Shohrat Zakir"
    assert file_text[article.text_offset :] == article.text[article.body_start :]


def test_ingest_txt_header_lines_are_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("title: Zakir speaks\nurl: https://example.org/a\ndate 2018-10-16\n\n"
                    "The governor spoke.", encoding="utf-8")
    article = read_one(path)
    assert (article.title, article.url, article.date) == (
        "Zakir speaks", "https://example.org/a", dt.date(2018, 10, 16))
    assert article.text[article.body_start :] == "The governor spoke."
    body = article.text.index("governor")
    at = body - article.body_start + article.text_offset
    assert path.read_text(encoding="utf-8")[at : at + 8] == "governor"


def test_ingest_txt_without_header_is_all_text(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("The governor spoke.", encoding="utf-8")
    article = read_one(path)
    assert (article.text, article.text_offset, article.date) == ("The governor spoke.", 0, None)


def test_ingest_json_fields(tmp_path: Path) -> None:
    path = write_json(tmp_path / "file.json", {
        "id": "xj-1", "title": "Zakir speaks", "text": "The governor spoke.",
        "date": "2018-10-16", "url": "https://example.org/a"})
    article = read_one(path)
    assert (article.id, article.title, article.date, article.url) == (
        "xj-1", "Zakir speaks", dt.date(2018, 10, 16), "https://example.org/a")
    assert article.text[article.body_start :] == "The governor spoke."


def test_ingest_json_source_url_is_the_url(tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", {"text": "Hi.", "source": "https://example.org/s"})
    article = read_one(path)
    assert (article.url, article.source) == ("https://example.org/s", "https://example.org/s")


def test_ingest_json_source_name_is_kept(tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", {"text": "Hi.", "source": "Reuters"})
    article = read_one(path)
    assert (article.url, article.source) == (None, "Reuters")


@pytest.mark.parametrize(("obj", "expected"), [
    ({"id": "given", "text": "Hi."}, "given"),
    ({"id": 42, "text": "Hi."}, "42"),
    ({"id": "", "text": "Hi."}, "stem"),
    ({"text": "Hi."}, "stem"),
])
def test_ingest_id_is_json_id_else_file_stem(tmp_path: Path, obj: dict[str, Any],
                                             expected: str) -> None:
    assert read_one(write_json(tmp_path / "stem.json", obj)).id == expected


def test_ingest_jsonl_reads_one_article_per_line(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text('{"id": "a", "text": "One."}\n\n{"text": "Two."}\n', encoding="utf-8")
    assert [a.id for a in read_articles([path])] == ["a", "many-3"]


def test_ingest_jsonl_bad_line_is_reported_and_good_lines_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "a", "text": "One."}\n{bad\n{"id": "c", "text": "Three."}\n',
                    encoding="utf-8")
    errors: list[IngestError] = []
    assert [a.id for a in read_articles([path], on_error=errors.append)] == ["a", "c"]
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"{path}:2: malformed JSON")


def test_ingest_directory_reads_every_supported_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    write_json(tmp_path / "sub" / "b.json", {"text": "Two."})
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("Hidden.", encoding="utf-8")
    assert sorted(a.id for a in read_articles([tmp_path])) == ["a", "b"]


def test_ingest_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="holds no .txt, .json or .jsonl"):
        list(read_articles([tmp_path]))


@pytest.mark.parametrize(("data", "ids"), [
    (b"The governor spoke.", ["stdin"]),
    (b'{"id": "s", "text": "One."}', ["s"]),
    (b'{\n  "id": "s",\n  "text": "One."\n}\n', ["s"]),
    (b'{"id": "s1", "text": "One."}\n{"id": "s2", "text": "Two."}\n', ["s1", "s2"]),
])
def test_ingest_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes, ids: list[str]) -> None:
    monkeypatch.setattr("sys.stdin", FakeStdin(data))
    assert [a.id for a in read_articles(["-"])] == ids


def test_ingest_stdin_empty_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", FakeStdin(b"  \n"))
    with pytest.raises(IngestError, match=r"^<stdin>: the article text is empty$"):
        list(read_articles(["-"]))


BAD_INPUTS = {
    # name: (file name, content, what the message must say)
    "missing": ("gone.txt", None, "no such file"),
    "missing-directory": ("gone", None, "no such file"),
    "empty": ("empty.txt", b"", "the article text is empty"),
    "whitespace": ("blank.txt", b"  \n\t \n", "the article text is empty"),
    "header-only": ("header.txt", b"date 2018-10-16\n", "the article text is empty"),
    "binary": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
    "latin-1": ("latin.txt", "café au lait".encode("latin-1"), "not valid UTF-8"),
    "malformed-json": ("bad.json", b'{"text": "Hi.",', "malformed JSON"),
    "json-without-text": ("notext.json", b'{"id": "x", "title": "T"}', "no 'text' field"),
    "json-text-not-string": ("num.json", b'{"text": 42}', "'text' must be a string"),
    "json-empty-text": ("blank.json", b'{"text": "   "}', "the article text is empty"),
    "json-not-object": ("list.json", b"[1]", "expected a JSON object"),
    "unsupported": ("article.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    "impossible-date": ("feb.txt", b"date 2018-02-30 The governor spoke.", "impossible date"),
    "impossible-json-date": ("feb.json", b'{"text": "Hi.", "date": "2018-02-30"}',
                             "impossible date"),
    "malformed-date": ("when.json", b'{"text": "Hi.", "date": "16/10/2018"}',
                       "not of the form YYYY-MM-DD"),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_ingest_bad_input_raises_one_clear_error(tmp_path: Path, kind: str) -> None:
    name, content, problem = BAD_INPUTS[kind]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        list(read_articles([path]))
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert problem in message
    assert "\n" not in message


def test_ingest_duplicate_ids_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = tmp_path / "a" / "same.txt"
    second = tmp_path / "b" / "same.txt"
    first.write_text("One.", encoding="utf-8")
    second.write_text("Two.", encoding="utf-8")
    expected = f"{second}: article id 'same' is also used by {first}"
    with pytest.raises(IngestError, match=f"^{re.escape(expected)}$"):
        list(read_articles([first, second]))


def test_ingest_duplicate_id_keeps_the_first(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n',
                    encoding="utf-8")
    errors: list[IngestError] = []
    assert [a.text for a in read_articles([path], on_error=errors.append)] == ["One."]
    assert len(errors) == 1


def test_ingest_on_error_reads_the_good_inputs(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The governor spoke.", encoding="utf-8")
    errors: list[IngestError] = []
    articles = list(read_articles([tmp_path / "gone.txt", good], on_error=errors.append))
    assert [a.id for a in articles] == ["good"]
    assert [str(e) for e in errors] == [f"{tmp_path / 'gone.txt'}: no such file or directory"]


def test_ingest_refuses_huge_text(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("word " * (MAX_CHARS // 5 + 1), encoding="utf-8")
    with pytest.raises(IngestError, match="split it into several articles"):
        list(read_articles([path]))


def test_ingest_byte_order_mark_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffThe governor spoke.".encode())
    assert read_one(path).text == "The governor spoke."
