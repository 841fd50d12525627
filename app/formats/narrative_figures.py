"""The figures part 一 (总体情况) quotes, read from its sentences; pure, no I/O.

Conservative on purpose: a figure is read only where a clause names it plainly (a verb or
noun of the table, then the number and its unit), and never from a clause that speaks of a
part (其中), a comparison (同比, 较上年, 增长) or a cumulative count (历年). A figure the
narrative states in words that do not fit a pattern is simply not read.

Each pattern names the figure it reads; ``checks`` in ``plausibility.py`` compares each
figure with the cells of the table that the figure names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Digits (ASCII or full-width, with thousands separators) or Chinese numerals.
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+|\d+|[零〇一二两三四五六七八九十百千万]+)"
_UNIT_ITEMS = r"\s*件"
_UNIT_DOCUMENTS = r"\s*(?:件|部|个|份)"
_FILLER = r"(?:共|合计|总计|累计|为|有|达|计)?\s*"
_ISSUE_VERB = r"(?:制发|制定|出台|印发|发布|新制作|新制定)(?:了)?"

# A clause that speaks of a part, a change or a cumulative count states no table figure.
_SKIP = re.compile(
    r"其中|同比|较上年|比上年|较去年|比去年|上一年|去年|历年|增长|下降|减少|增加|提高|以来"
)
# Vague quantities: 近百件, 数十件, 约 20 件.
_VAGUE_BEFORE = ("约", "近", "逾", "超", "数", "几", "上", "多", "余", "超过")
# Every pattern ends in a unit: a clause without one states no figure (most clauses).
_ANY_UNIT = re.compile(r"[件部个份条]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_END = re.compile(
    r"[，：:（）()【】“”\"]|,(?!\d{3})"
)  # not 、: 复议、诉讼 2 件 is one figure


@dataclass(frozen=True)
class FigurePattern:
    figure: str  # what the number is: a key of FIGURE_CELLS in plausibility.py
    pattern: re.Pattern[str]
    needs: str | None = None  # a word the clause must contain
    refuses: re.Pattern[str] | None = None  # words that make the clause about something else
    sentence_needs: re.Pattern[str] | None = None  # a word the whole sentence must contain


def _p(text: str) -> re.Pattern[str]:
    return re.compile(text)


_ABOUT_DISCLOSURE = _p(r"信息公开|政务公开")

PATTERNS: tuple[FigurePattern, ...] = (
    FigurePattern(
        "applications_received",
        _p(r"(?:受理|收到|接收|新收)(?P<between>[^\d，。；]{0,20}?)" + _NUMBER + _UNIT_ITEMS),
        needs="申请",
        refuses=_p(r"复议|诉讼|举报|投诉|信访|建议|提案|结转"),
    ),
    FigurePattern(
        "granted",
        _p(r"(?<!不)(?:予以公开|同意公开)(?:答复)?(?:的)?" + _FILLER + _NUMBER + _UNIT_ITEMS),
    ),
    FigurePattern(
        "completed",
        _p(r"(?<![未没])办结(?:了)?(?:申请)?" + _FILLER + _NUMBER + _UNIT_ITEMS),
    ),
    FigurePattern(
        "carried_forward",
        _p(
            r"(?:结转(?:至|到)?下(?:一)?年(?:度)?|转(?:入|至|到)?下(?:一)?年度)"
            r"(?:继续)?(?:办理)?(?:答复)?(?:的)?" + _FILLER + _NUMBER + _UNIT_ITEMS
        ),
    ),
    FigurePattern(
        "carried_over",
        _p(
            r"上年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?(?:数量)?"
            + _FILLER
            + _NUMBER
            + _UNIT_ITEMS
        ),
    ),
    # 行政复议 and 行政诉讼: an overview also reports a government's review work at large, so
    # only a sentence about disclosure counts, and only a clause that names one of the two.
    FigurePattern(
        "reviews",
        _p(r"行政复议(?:案件|申请|案)?(?:数)?" + _FILLER + _NUMBER + _UNIT_ITEMS),
        refuses=_p(r"诉讼"),
        sentence_needs=_ABOUT_DISCLOSURE,
    ),
    FigurePattern(
        "reviews",
        _p(_NUMBER + r"\s*件[^\d，。；]{0,15}?的行政复议$"),
        refuses=_p(r"诉讼"),
        sentence_needs=_ABOUT_DISCLOSURE,
    ),
    FigurePattern(
        "litigation",
        _p(r"行政诉讼(?:案件|案)?(?:数)?" + _FILLER + _NUMBER + _UNIT_ITEMS),
        refuses=_p(r"复议"),
        sentence_needs=_ABOUT_DISCLOSURE,
    ),
    FigurePattern(
        "regulations_issued",
        _p(_ISSUE_VERB + r"(?:政府)?规章(?!制度)" + _FILLER + _NUMBER + _UNIT_DOCUMENTS),
    ),
    FigurePattern(
        "normative_documents_issued",
        _p(_ISSUE_VERB + r"(?:行政)?规范性文件" + _FILLER + _NUMBER + _UNIT_DOCUMENTS),
    ),
    # The whole of proactive disclosure, not one channel's share of it.
    FigurePattern(
        "proactive_items",
        _p(r"主动(?:公开|发布)(?:各类)?政府信息" + _FILLER + _NUMBER + r"\s*条"),
        refuses=_p(r"网站|微博|微信|公众号|客户端|新媒体|平台|公开栏|专栏|渠道"),
    ),
)


@dataclass(frozen=True)
class QuotedFigure:
    figure: str
    value: int
    sentence: str  # the sentence that states it, as written
    start: int  # where the number stands in the text (orders the findings)


def quoted_figures(text: str | None) -> list[QuotedFigure]:
    """Every figure ``text`` states plainly, in the order it states them."""
    if not text:
        return []
    found = [
        quoted for sentence, offset in _sentences(text) for quoted in _in_sentence(sentence, offset)
    ]
    return sorted(found, key=lambda quoted: quoted.start)


def _sentences(text: str) -> Iterator[tuple[str, int]]:
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if end.start() > start:
            yield text[start : end.start()], start
        start = end.end()
    if start < len(text):
        yield text[start:], start


def _clauses(sentence: str) -> Iterator[tuple[str, int]]:
    start = 0
    for end in _CLAUSE_END.finditer(sentence):
        if end.start() > start:
            yield sentence[start : end.start()], start
        start = end.end()
    if start < len(sentence):
        yield sentence[start:], start


def _in_sentence(sentence: str, offset: int) -> Iterator[QuotedFigure]:
    if not _ANY_UNIT.search(sentence):
        return
    quoted_sentence = sentence.strip()
    for clause, clause_start in _clauses(sentence):
        if not _ANY_UNIT.search(clause) or _SKIP.search(clause):
            continue
        for spec in PATTERNS:
            if spec.needs is not None and spec.needs not in clause:
                continue
            if spec.refuses is not None and spec.refuses.search(clause):
                continue
            if spec.sentence_needs is not None and not spec.sentence_needs.search(sentence):
                continue
            for match in spec.pattern.finditer(clause):
                before = clause[: match.start("number")].rstrip()
                if before.endswith(_VAGUE_BEFORE):
                    continue
                value = parse_number(match.group("number"))
                if value is None:
                    continue
                yield QuotedFigure(
                    spec.figure,
                    value,
                    quoted_sentence,
                    offset + clause_start + match.start("number"),
                )


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_number(text: str) -> int | None:
    """``17``, ``1,136``, ``１７``, ``十七``, ``一百零五``, ``两万三千``; None if it is not one."""
    plain = text.replace(",", "")
    if plain.isdigit():
        return int(plain)
    total, section, digit = 0, 0, None
    for char in plain:
        if char in "零〇" and digit is None:
            continue  # 一百零五: the zero only holds a place
        if char in _DIGITS:
            if digit is not None:
                return None  # 一二: a list of digits, not a number
            digit = _DIGITS[char]
        elif char in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        elif char == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)
