"""Read a YAML file safely and remember where every key and value stood.

PyYAML's own loaders lose positions, keep the last of two duplicate keys,
expand alias bombs and recurse on deep nesting. We walk the parser's event
stream instead (libyaml's when present), build plain Python values
iteratively, and stop early with a positioned error on anything hostile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import UserError
from ..files import read_regular
from ..i18n import _
from ..l10n import format_size
from .shared import MAX_SOP_BYTES

try:  # libyaml is much faster; the pure-Python parser gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32  # an SOP nests five levels deep
MAX_VALUES = 50_000

# The scalar tags we turn into Python values; anything else (timestamps,
# binary, custom tags) stays the text that was written.
_CORE_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
}

# Explicit tags a careful author may write; anything else (!!python/object, !custom) is refused.
_ALLOWED_TAGS = _CORE_TAGS | {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:timestamp"}

# Characters YAML forbids; libyaml reports them without a position, so we find them ourselves.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")

# What no SOP text may hold however it is written: control characters (C0 but tab and line
# breaks, DEL, C1), lone surrogates and non-characters. Written raw, YAML itself refuses them;
# written as escapes in double quotes ("\e[2J", "\0", "\x1b", "\u009b") they would reach the
# terminal as commands and the SVG/XML documents as characters XML does not allow.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_SHORT_ESCAPES = {"0": "\x00", "a": "\x07", "b": "\x08", "e": "\x1b", "f": "\x0c", "v": "\x0b", "N": "\x85"}

Path_ = tuple  # a path into the data: ("steps", 2, "pelaksana")


@dataclass(frozen=True)
class Pos:
    line: int  # 1-based
    col: int  # 1-based


class YAMLProblem(UserError):
    """The file cannot be read as YAML; ``pos`` says where."""

    def __init__(self, path: str, pos: Pos, message: str) -> None:
        self.path, self.pos, self.message = path, pos, message
        super().__init__(f"{path}:{pos.line}:{pos.col}: error: {message}")


@dataclass
class Document:
    """The data of one YAML file plus the position of every key and value in it."""

    path: str
    data: Any
    text: str = ""
    key_pos: dict[Path_, Pos] = field(default_factory=dict)
    value_pos: dict[Path_, Pos] = field(default_factory=dict)

    def pos(self, path: Path_, at_key: bool = False) -> Pos:
        """Where ``path`` stands; falls back to the nearest enclosing node."""
        path = tuple(path)
        while True:
            table = self.key_pos if at_key else self.value_pos
            if path in table:
                return table[path]
            if path in self.value_pos:
                return self.value_pos[path]
            if not path:
                return Pos(1, 1)
            path = path[:-1]


def _pos(mark: Any) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


def read_source(path: Path) -> bytes:
    """The bytes of an SOP file: a regular file of at most MAX_SOP_BYTES, or a positioned problem."""
    name = str(path)

    def too_large(size: int | None) -> UserError:
        return YAMLProblem(
            name,
            Pos(1, 1),
            _("an SOP file is at most {limit}, and this one is larger — is it the right file?").format(
                limit=format_size(MAX_SOP_BYTES)
            ),
        )

    try:
        return read_regular(path, MAX_SOP_BYTES, too_large)
    except YAMLProblem:
        raise
    except UserError as e:
        if e.kind != "not-a-file":
            raise
        raise YAMLProblem(name, Pos(1, 1), str(e)) from None


def decode(raw: bytes, name: str) -> str:
    """The text of an SOP file's bytes: UTF-8 only; a BOM is dropped."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise YAMLProblem(
            name,
            Pos(line, col),
            _("byte 0x{byte:02x} is not UTF-8 text; save the file as UTF-8").format(byte=raw[e.start]),
        ) from None


def load_text(text: str, name: str = "<text>") -> Document:
    loader = _Loader(text)
    try:
        return _compose(loader, name, text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        pos = _pos(mark) if mark else Pos(1, 1)
        raise YAMLProblem(name, pos, _explain(e, text, pos)) from None
    except yaml.YAMLError as e:  # a reader error: a character YAML does not allow
        bad = _FORBIDDEN.search(text)
        if bad is None:
            raise YAMLProblem(name, Pos(1, 1), str(e).splitlines()[0]) from None
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise YAMLProblem(
            name,
            Pos(line, col),
            _("a control character (U+{code:04X}) that YAML does not allow; delete it").format(code=ord(bad.group())),
        ) from None
    finally:
        loader.dispose()


def _explain(e: yaml.MarkedYAMLError, text: str, pos: Pos) -> str:
    """PyYAML's message, plus what to do about the common cases."""
    problem = (e.problem or e.context or "invalid YAML").strip()
    lines = text.splitlines()
    here = lines[pos.line - 1] if 0 < pos.line <= len(lines) else ""
    if "\t" in here[: pos.col] or "'\\t'" in problem:
        return _("a tab character; YAML indents with spaces only — replace the tab with spaces")
    if problem.startswith("mapping values are not allowed"):
        return _("a ':' where no key may start; put a value that contains ': ' in quotes")
    if "nesting depth" in problem:  # libyaml's own limit, reached while scanning ahead
        return _("nested more than {n} levels deep; an SOP needs about five").format(n=MAX_DEPTH)
    if problem == "could not find expected ':'":
        return _("a key without ':' after it; write 'key: value'")
    return _("invalid YAML: {problem}; check the indentation and quotes here").format(problem=problem)


class _Frame:
    __slots__ = ("container", "path", "key", "keys")

    def __init__(self, container: dict | list, path: Path_) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None  # a mapping's key waiting for its value
        self.keys: dict[str, Pos] = {}


def _compose(loader: Any, name: str, text: str) -> Document:
    doc = Document(name, None, text)
    stack: list[_Frame] = []
    documents = 0
    values = 0
    have_root = False

    def fail(mark: Any, message: str) -> None:
        raise YAMLProblem(name, _pos(mark), message)

    def attach(value: Any, mark: Any) -> Path_:
        nonlocal have_root
        if not stack:
            doc.data, have_root = value, True
            doc.value_pos[()] = _pos(mark)
            return ()
        top = stack[-1]
        if isinstance(top.container, dict):
            path = top.path + (top.key,)
            top.container[top.key] = value
            top.key = None
        else:
            path = top.path + (len(top.container),)
            top.container.append(value)
        doc.value_pos[path] = _pos(mark)
        return path

    while True:
        event = loader.get_event()
        if isinstance(event, yaml.StreamEndEvent):
            break
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                fail(event.start_mark, _("a second YAML document ('---'); keep one SOP per file"))
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
            continue
        values += 1
        if values > MAX_VALUES:
            fail(event.start_mark, _("more than {n} values; an SOP file is far smaller").format(n=MAX_VALUES))
        if isinstance(event, yaml.AliasEvent):
            fail(
                event.start_mark,
                _("an alias (*{name}); SOP files do not use anchors and aliases — write the value out").format(
                    name=event.anchor
                ),
            )
        top = stack[-1] if stack else None
        wants_key = top is not None and isinstance(top.container, dict) and top.key is None
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if getattr(event, "tag", None) not in (None, "!", *_ALLOWED_TAGS):
            fail(
                event.start_mark,
                _("the tag {tag} is not allowed in an SOP file; remove it").format(
                    tag=str(event.tag).replace("tag:yaml.org,2002:", "!!")
                ),
            )
        if isinstance(event, yaml.ScalarEvent):
            if _CONTROL.search(event.value):
                _refuse_control(name, text, event)
            if wants_key:
                assert top is not None
                key = event.value
                first = top.keys.get(key)
                if first is not None:
                    fail(
                        event.start_mark,
                        _(
                            "duplicate key '{key}' (first at line {line}); YAML keeps only one — remove or rename one"
                        ).format(key=key, line=first.line),
                    )
                top.keys[key] = _pos(event.start_mark)
                top.key = key
                doc.key_pos[top.path + (key,)] = _pos(event.start_mark)
            else:
                attach(_scalar(loader, event), event.start_mark)
            continue
        # a mapping or sequence starts
        if wants_key:
            fail(event.start_mark, _("a key must be plain text, not a list or mapping"))
        if len(stack) >= MAX_DEPTH:
            fail(event.start_mark, _("nested more than {n} levels deep; an SOP needs about five").format(n=MAX_DEPTH))
        container: dict | list = {} if isinstance(event, yaml.MappingStartEvent) else []
        stack.append(_Frame(container, attach(container, event.start_mark)))
    if not have_root:
        raise YAMLProblem(name, Pos(1, 1), _("the file is empty; start from 'sop new ID'"))
    return doc


def _refuse_control(name: str, text: str, event: Any) -> None:
    """A scalar holds a control character: point at the escape that wrote it."""
    bad = _CONTROL.search(event.value)
    assert bad is not None
    code = ord(bad.group())
    start, end = _offset(text, event.start_mark), _offset(text, event.end_mark)
    if event.style == '"':
        for m in _ESCAPE.finditer(text, start, end):
            written = m.group(1)
            char = _SHORT_ESCAPES.get(written) or (chr(int(written[1:], 16)) if len(written) > 1 else "")
            if _CONTROL.fullmatch(char):
                line = text.count("\n", 0, m.start()) + 1
                col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                raise YAMLProblem(
                    name,
                    Pos(line, col),
                    _(
                        "a control character (U+{code:04X}) written as the escape '{escape}'; SOP text may not hold control characters — delete it"
                    ).format(code=ord(char), escape=m.group()),
                )
    raise YAMLProblem(
        name,
        _pos(event.start_mark),
        _(
            "a control character (U+{code:04X}) in this text; SOP text may not hold control characters — delete it"
        ).format(code=code),
    )


def _offset(text: str, mark: Any) -> int:
    """The index in ``text`` of a parser mark, from its line and column (what every parser agrees on)."""
    at = 0
    for _i in range(mark.line):
        at = text.index("\n", at) + 1
    return at + mark.column


def _scalar(loader: Any, event: Any) -> Any:
    tag = event.tag
    if tag in (None, "!"):
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag not in _CORE_TAGS:
        return event.value
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    return loader.yaml_constructors[tag](loader, node)
