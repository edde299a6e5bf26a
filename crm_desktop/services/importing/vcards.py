"""vCard 2.1, 3.0 and 4.0 files read into `ContactRecord`s, one per card, with vobject.

Real address books bend the format, so each card is first repaired line by line: line endings and folded
lines unified, quoted-printable values (with their soft line breaks and CHARSET) decoded, photos, keys
and unknown properties dropped, and vCard 2.1 escaping and bare TYPE parameters rewritten the 3.0 way.
vobject then parses the repaired card. A card that still cannot be read becomes a failed record; the
others import.
"""

from __future__ import annotations

import logging
import quopri
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import vobject

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.importing.cards import record_from_card
from crm_desktop.services.importing.fields import ContactRecord
from crm_desktop.services.importing.tables import decode_bytes, read_bytes

KEEP = frozenset({
    "VERSION", "N", "FN", "ORG", "TITLE", "EMAIL", "TEL", "ADR", "BDAY", "NOTE", "CATEGORIES", "URL", "KIND",
    "X-ABSHOWAS", "X-ABLABEL", "UID", "X-ADDRESSBOOKSERVER-KIND",
})  # fmt: skip
_BEGIN = re.compile(r"\s*BEGIN\s*:\s*VCARD\s*", re.IGNORECASE)
_END = re.compile(r"\s*END\s*:\s*VCARD\s*", re.IGNORECASE)
_DROPPED_PARAMS = frozenset({"ENCODING", "CHARSET"})
_LISTS = frozenset({"N", "ADR", "CATEGORIES"})  # where vCard 3.0 commas separate several values
_SAMSUNG_LABEL = re.compile(r"X-CUSTOM\((.*)\)", re.IGNORECASE | re.DOTALL)  # TEL;X-CUSTOM(CHARSET=..,=D0=94..):
_LINE_CHARSET = re.compile(rb"^[^:]*?;\s*CHARSET=\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_AGENT = re.compile(r"\s*(?:[\w-]+\.)?AGENT(?:;[^:]*)?:\s*", re.IGNORECASE)  # vCard 2.1 nests a card after it


@dataclass(frozen=True)
class CardFile:
    """A vCard file read into one record per card (cards that could not be read carry their error)."""

    path: Path
    records: list[ContactRecord]
    encoding: str

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RawCard:
    """The lines of one card as found in the file, and whether its END:VCARD line was there."""

    lines: list[str]
    finished: bool = True
    cut_by_next: bool = False  # unfinished because another card began before its end


def read_vcards(path: str | Path) -> CardFile:
    """Every card of a .vcf file; ValidationError when the file holds no vCard at all."""
    file = Path(path)
    data = read_bytes(file)
    text, encoding = decode_bytes(data, name=file.name, allow_nul=True)
    if encoding in ("cp1252", "latin-1"):  # not UTF-8 as a whole: each line may still be, or name its charset
        text, encoding = decode_lines(data, encoding)
    cards = split_raw_cards(text)
    if not cards:
        raise ValidationError(f"{file.name} is not a vCard file (it holds no BEGIN:VCARD … END:VCARD)", field="file")
    records = [parse_card(number, raw.lines, unfinished=_unfinished(raw)) for number, raw in enumerate(cards, 1)]
    return CardFile(file, records, encoding)


def decode_lines(data: bytes, fallback: str) -> tuple[str, str]:
    """A file mixing charsets (cards appended from several phones): each line as UTF-8, its CHARSET or `fallback`."""
    lines, utf8 = [], False
    for raw in data.split(b"\n"):
        try:
            line = raw.decode("utf-8")
            utf8 = utf8 or not raw.isascii()
        except UnicodeDecodeError:
            named = _LINE_CHARSET.match(raw)
            line = _decode_with(raw, named.group(1).decode("ascii") if named else fallback, fallback)
        lines.append(line)
    return "\n".join(lines), f"utf-8 and {fallback}" if utf8 else fallback


def _decode_with(raw: bytes, charset: str, fallback: str) -> str:
    for encoding in (charset, fallback):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("latin-1")


def _unfinished(raw: RawCard) -> str | None:
    if raw.finished:
        return None
    where = "where the next card begins" if raw.cut_by_next else "the end of the file"
    return f"the card has no END:VCARD line; it was read up to {where}"


def looks_like_vcard(text: str) -> bool:
    return any(_BEGIN.fullmatch(line) for line in text.lstrip("\ufeff").splitlines()[:20])


def split_cards(text: str) -> list[list[str]]:
    """The lines of each top-level card (an unfinished card is kept: it may still hold a contact)."""
    return [raw.lines for raw in split_raw_cards(text)]


def split_raw_cards(text: str) -> list[RawCard]:
    """Each top-level card. A BEGIN:VCARD inside a card starts the next card (its writer forgot END:VCARD),
    unless it follows a vCard 2.1 AGENT line, where it nests a card that is skipped."""
    cards: list[RawCard] = []
    current: list[str] | None = None
    depth = 0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _BEGIN.fullmatch(line):
            if depth == 1 and current is not None and not _opens_agent(current):
                cards.append(RawCard(current, finished=False, cut_by_next=True))
                current = []
                continue
            depth += 1
            if depth == 1:
                current = []
            continue
        if _END.fullmatch(line) and depth:
            depth -= 1
            if depth == 0 and current is not None:
                cards.append(RawCard(current))
                current = None
            continue
        if depth == 1 and current is not None:
            current.append(line)
    if current:
        cards.append(RawCard(current, finished=False))
    return cards


def _opens_agent(lines: list[str]) -> bool:
    last = next((line for line in reversed(lines) if line.strip()), "")
    return bool(_AGENT.fullmatch(last))


def parse_card(number: int, lines: list[str], *, unfinished: str | None = None) -> ContactRecord:
    """One card as a record; a card vobject cannot parse even after repair becomes a failed record."""
    if not any(line.strip() for line in lines):
        return ContactRecord(number, error=unfinished or "the card is empty")
    try:
        with _vobject_complaints() as skipped:
            card = vobject.readOne(repair_card(lines), ignoreUnreadable=True)
    except Exception as exc:  # vobject raises many kinds (ParseError, binascii, ValueError, ...) on broken input
        message = " ".join(str(exc).split())[:160] or type(exc).__name__
        cause = f"; {unfinished}" if unfinished else ""
        return ContactRecord(number, error=f"the card could not be read ({message}){cause}")
    try:
        record = record_from_card(number, card)
    except Exception as exc:  # a value of an unexpected shape: this card fails, the others import
        return ContactRecord(number, error=f"the card could not be read ({type(exc).__name__}: {exc})"[:200])
    record.warnings.extend(f"a line could not be read and was left out ({text[:80]})" for text in skipped)
    if unfinished and not record.error:
        record.warnings.insert(0, unfinished)
    return record


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _vobject_complaints() -> Iterator[list[str]]:
    """vobject logs the lines it skips; collect them as warnings instead of printing them on stderr.

    vobject.base installs its own stderr handler when the root logger has none (a command-line run): it is
    set aside for the parse too.
    """
    logger, base = logging.getLogger("vobject"), logging.getLogger("vobject.base")
    handler, propagate, own = _Collect(), logger.propagate, list(base.handlers)
    logger.addHandler(handler)
    logger.propagate = False
    for stray in own:
        base.removeHandler(stray)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        for stray in own:
            base.addHandler(stray)


def logical_lines(lines: list[str]) -> list[str]:
    """Unfold continuation lines, join quoted-printable soft line breaks and drop blank lines."""
    result: list[str] = []
    soft_break = False
    for raw in lines:
        if soft_break and result:  # the previous line ended in "=": this one continues its value
            result[-1] = result[-1][:-1] + raw.lstrip(" \t")
        elif not raw.strip():
            continue
        elif raw[:1] in " \t" and result:
            result[-1] += raw[1:]
        elif ":" not in raw and result:  # a wrapped line its writer forgot to indent
            result[-1] += raw
        else:
            result.append(raw)
        soft_break = bool(result) and _is_quoted_printable(result[-1]) and result[-1].endswith("=")
    return result


def _is_quoted_printable(line: str) -> bool:
    return "QUOTED-PRINTABLE" in line.split(":", 1)[0].upper()


def repair_card(lines: list[str]) -> str:
    """The card rewritten as clean vCard 3.0 text holding only the properties an import uses."""
    logical = logical_lines(lines)
    version = next((ln.split(":", 1)[1].strip() for ln in logical if ln.upper().startswith("VERSION:")), "3.0")
    old_style = version.startswith("2")
    out = ["BEGIN:VCARD", "VERSION:3.0"]
    for index, line in enumerate(logical):
        head, sep, value = line.partition(":")
        if not sep:
            continue
        group, name, params = _split_head(head)
        if name not in KEEP or name == "VERSION":
            continue
        custom = next((m for m in map(_SAMSUNG_LABEL.fullmatch, params) if m), None)
        if custom is not None:  # Samsung's own label for a phone or e-mail: made an Apple-style group label
            params = [p for p in params if not _SAMSUNG_LABEL.fullmatch(p)]
            group = group or f"custom{index}"
            out.append(f"{group}.X-ABLABEL:{_escape(_samsung_label(custom.group(1)))}")
        encoding = next((p.split("=", 1)[-1].upper() for p in params if p.upper().startswith("ENCODING=")), "")
        bare = [p.upper() for p in params if "=" not in p]
        if encoding in ("QUOTED-PRINTABLE", "Q") or "QUOTED-PRINTABLE" in bare:
            value = _escape(_decode_qp(value, _charset(params)))
        elif old_style:
            value = _escape(value)
        elif name not in _LISTS:  # writers forget to escape commas in single values; vobject would cut there
            value = re.sub(r"(?<!\\),", r"\\,", value)
        if encoding in ("BASE64", "B") or "BASE64" in bare:
            continue  # photos, sounds, keys: nothing an import keeps
        kept = [p for p in params if p.split("=", 1)[0].upper() not in _DROPPED_PARAMS]
        kept = [p if "=" in p else f"TYPE={p}" for p in kept if p.upper() not in ("QUOTED-PRINTABLE", "BASE64")]
        prefix = f"{group}." if group else ""
        out.append(f"{prefix}{name}{''.join(';' + p for p in kept)}:{value}")
    out.append("END:VCARD")
    return "\r\n".join(out) + "\r\n"


def _split_head(head: str) -> tuple[str, str, list[str]]:
    """(group, NAME, parameters) of a content line's part before the colon; quoted parameters kept whole."""
    parts = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    name = parts[0].strip() if parts else ""
    group, _, name = name.rpartition(".")
    return group, name.upper(), [p.strip() for p in parts[1:] if p.strip()]


def _samsung_label(inner: str) -> str:
    """The label inside X-CUSTOM(CHARSET=UTF-8,ENCODING=QUOTED-PRINTABLE,=D0=94=D0=B0...) or X-CUSTOM(Label)."""
    parts = inner.split(",")
    options = [p.strip() for p in parts if p.strip().upper().startswith(("CHARSET=", "ENCODING="))]
    label = ",".join(p for p in parts if p.strip() not in options).strip()
    if any(p.upper() == "ENCODING=QUOTED-PRINTABLE" for p in options):
        return _decode_qp(label, _charset(options))
    return label


def _charset(params: list[str]) -> str:
    for param in params:
        key, _, value = param.partition("=")
        if key.upper() == "CHARSET" and value:
            return value.strip('"')
    return "utf-8"


def _decode_qp(value: str, charset: str) -> str:
    raw = quopri.decodestring(value.encode("utf-8", errors="replace"))
    for encoding in (charset, "utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("latin-1")


def _escape(value: str) -> str:
    """vCard 2.1 text (plain commas, real line breaks) as vCard 3.0 text; `;` stays the component separator."""
    text = re.sub(r"\\(?![;,nN\\])", r"\\\\", value)
    text = re.sub(r"(?<!\\),", r"\\,", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
