"""Time expressions ("on Tuesday", "last week", "12 October 2018") resolved against the
article date."""

from __future__ import annotations

import datetime as dt
import re

from spacy.tokens import Doc, Token

from kg.extract import lexicon as lex
from kg.model import Span, TimeRef

_MONTH_RE = "|".join(m[:3] + r"[a-z]*\.?" for m in lex.MONTHS)


def resolve_date(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day ``text`` means, written on ``today``; None if unknown.

    Examples:
        >>> resolve_date("on Tuesday", dt.date(2018, 10, 16))
        (datetime.date(2018, 10, 16), datetime.date(2018, 10, 16))
        >>> resolve_date("last week", dt.date(2018, 10, 16))
        (datetime.date(2018, 10, 8), datetime.date(2018, 10, 14))
    """
    low = text.lower().strip()
    low = re.sub(r"^(on|in|since|by|from|until|during|at|the)\s+", "", low)
    if low in {"today", "this morning", "this afternoon", "tonight", "this evening"}:
        return today, today
    if low in {"yesterday", "last night"}:
        day = today - dt.timedelta(days=1)
        return day, day
    if low == "tomorrow":
        day = today + dt.timedelta(days=1)
        return day, day
    monday = today - dt.timedelta(days=today.weekday())
    if low == "last week":
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    if low == "this week":
        return monday, monday + dt.timedelta(days=6)
    if low == "next week":
        return monday + dt.timedelta(days=7), monday + dt.timedelta(days=13)
    if low in {"last month", "this month", "next month"}:
        year, month = today.year, today.month + {"last": -1, "this": 0, "next": 1}[low.split()[0]]
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        first = dt.date(year, month, 1)
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    if low in {"last year", "this year", "next year"}:
        year = today.year + {"last": -1, "this": 0, "next": 1}[low.split()[0]]
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    match = re.fullmatch(r"(last |this |next )?(" + "|".join(lex.WEEKDAYS) + r")", low)
    if match:
        target = lex.WEEKDAYS.index(match.group(2))
        if match.group(1) == "next ":
            delta = (target - today.weekday()) % 7 or 7
            day = today + dt.timedelta(days=delta)
        else:
            # news reports the recent past: the latest such day on or before the article date
            day = today - dt.timedelta(days=(today.weekday() - target) % 7)
            if match.group(1) == "last " and day == today:
                day -= dt.timedelta(days=7)
        return day, day
    return _absolute(low, today)


def _absolute(low: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    low = low.replace(",", " ")
    m = re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})(?:\s+(\d{{4}}))?", low) or \
        re.fullmatch(rf"({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(\d{{4}}))?", low)
    if m:
        a, b, year = m.groups()
        day_s, month_s = (a, b) if a.isdigit() else (b, a)
        month = _month(month_s)
        if month is None:
            return None
        yr = int(year) if year else today.year
        try:
            day = dt.date(yr, month, int(day_s))
        except ValueError:
            return None
        if not year and day > today + dt.timedelta(days=31):
            day = day.replace(year=yr - 1)
        return day, day
    m = re.fullmatch(rf"({_MONTH_RE})(?:\s+(\d{{4}}))?", low)
    if m:
        month = _month(m.group(1))
        if month is None:
            return None
        yr = int(m.group(2)) if m.group(2) else today.year
        first = dt.date(yr, month, 1)
        nxt = dt.date(yr + month // 12, month % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    m = re.fullmatch(r"(?:in )?(\d{4})", low)
    if m and 1800 <= int(m.group(1)) <= 2200:
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None


def _month(text: str) -> int | None:
    for n, name in enumerate(lex.MONTHS, 1):
        if text.rstrip(".").startswith(name[:3]):
            return n
    return None


def resolve_times(doc: Doc, today: dt.date | None) -> list[tuple[int, int, TimeRef]]:
    """Every resolvable time expression of the text, in order: the first token of its
    sentence, its syntactic root token and the time (none without the article's date)."""
    if today is None:
        return []
    out = []
    for ent in doc.ents:
        if ent.label_ not in {"DATE", "TIME"}:
            continue
        days = resolve_date(ent.text, today)
        if days is not None:
            span = Span(ent.start_char, ent.end_char, ent.text)
            out.append((ent.sent.start, ent.root.i, TimeRef(span=span, begin=days[0],
                                                            end=days[1])))
    return out


def find_times(dated: list[tuple[int, int, TimeRef]]) -> dict[int, TimeRef]:
    """The first time expression of each sentence (of ``resolve_times``), keyed by the
    sentence's first token."""
    out: dict[int, TimeRef] = {}
    for sent_start, _, when in dated:
        out.setdefault(sent_start, when)
    return out


def times_by_token(dated: list[tuple[int, int, TimeRef]]) -> dict[int, TimeRef]:
    """Every time expression (of ``resolve_times``), keyed by its root token."""
    return {root: when for _, root, when in dated}


def time_of(word: Token, times: dict[int, TimeRef]) -> TimeRef | None:
    """The time expression that modifies ``word`` ("passed on Tuesday"), directly or through
    a preposition, if there is one."""
    for child in word.children:
        if child.i in times:
            return times[child.i]
        if child.dep_ == "prep":
            for pobj in child.children:
                if pobj.i in times:
                    return times[pobj.i]
    return None
