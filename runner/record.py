"""``Record``: ``typing.NamedTuple`` as mypy and readers know it, built cheaply at run time.

``typing.NamedTuple`` checks every annotation when the class is created; on
the start-up path of ``sop case show`` (about fifteen row and result types)
that check alone costs a few milliseconds. ``class CaseRow(Record): ...``
reads exactly like a ``NamedTuple`` class, and mypy sees ``typing.NamedTuple``;
at run time the class body becomes a ``collections.namedtuple`` with its
defaults, methods and properties, and nothing else happens.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    _NOT_COPIED = {"__module__", "__qualname__", "__annotations__", "__dict__", "__weakref__"}

    class _Record(type):
        def __new__(mcls, name: str, bases: tuple, namespace: dict[str, Any]) -> type:
            if not bases:  # Record itself
                return super().__new__(mcls, name, bases, namespace)
            fields = list(namespace.get("__annotations__", {}))
            defaults = [namespace[f] for f in fields if f in namespace]
            record = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            record.__qualname__ = namespace["__qualname__"]
            for key, value in namespace.items():
                if key not in _NOT_COPIED and key not in fields:
                    setattr(record, key, value)
            return record

    class Record(metaclass=_Record):
        pass
