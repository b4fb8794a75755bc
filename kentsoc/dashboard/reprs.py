"""The repr the dashboard's values are keyed by.

Each cached fragment's key is a hash of its context's repr (kentsoc/dashboard/views.py), so the
repr of every value in it must name every field. A dataclass's own repr does, but each call goes
through reprlib's guard against cycles (a thread id, a set to add to and remove from), and a
dashboard's context holds a few hundred of them: that guard was a third of the page's own Python
calls. These values hold no cycles, so their fields are written as their dict, in C.
"""

from __future__ import annotations


class FieldsRepr:
    """Base of a dataclass declared with repr=False: its repr is its class name and every field
    (instance attribute), in order."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self.__dict__!r}"
