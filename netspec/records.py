"""A class with annotated fields in, the same class back as a frozen dataclass: `@record`.

`@record` makes exactly what `@dataclass(frozen=True)` makes (the same __init__, __repr__,
__eq__, __hash__ and frozen __setattr__/__delattr__; `dataclasses.fields`, `replace` and
`is_dataclass` work on it), `@record(frozen=False)` what `@dataclass` makes. The difference is
the cost of making the class. Python 3.11's dataclass compiles each generated method on its
own, six compilations for a frozen class, and netspec's start-up paid 70 ms of 120 ms for
that. Here only __init__ is compiled, from the same source dataclasses writes, so making an
object costs the same; comparing, hashing, showing and the frozen guard are plain functions
that read the fields by name.

What dataclasses does with the fields (defaults, `field(...)`, inheritance) is left to
dataclasses, asked for the fields only (init, repr and eq off). tests/test_records.py holds
every record of netspec and a set of edge cases equal in behaviour to the real dataclass.
A record inherits from records only: dataclasses sees each as not frozen, and would refuse to
mix it with a frozen dataclass.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, FrozenInstanceError
from operator import attrgetter


class _Factory:
    """The default shown for a field its default_factory fills (dataclasses shows the same)."""

    def __repr__(self) -> str:
        return "<factory>"


FACTORY = _Factory()


def record(cls=None, /, *, frozen: bool = True):
    """`@record` or `@record(frozen=False)`: see the module's docstring."""
    def wrap(c):
        return _build(c, frozen)
    return wrap if cls is None else wrap(cls)


def _build(cls, frozen: bool):
    body = dict(cls.__dict__)  # what the class defines itself, before dataclasses adds anything
    if not cls.__doc__:  # else dataclasses would compute one with inspect.signature, slowly
        cls.__doc__ = f"{cls.__name__}({', '.join(cls.__dict__.get('__annotations__', ()))})"
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    fields = dataclasses.fields(cls)
    explicit_hash = "__hash__" in body and not (body["__hash__"] is None and "__eq__" in body)
    names = {"__init__": "__init__" not in body, "__repr__": "__repr__" not in body, "__eq__": "__eq__" not in body,
             "__hash__": frozen and not explicit_hash, "__setattr__": frozen, "__delattr__": frozen}
    if not frozen and not explicit_hash:
        cls.__hash__ = None  # as dataclass(eq=True) leaves a mutable class: unhashable
    wanted = [name for name, make in names.items() if make]
    for name, method in zip(wanted, _methods(cls, fields, wanted, hasattr(cls, "__post_init__"))):
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
    return cls


def _methods(cls, fields, wanted: list[str], post_init: bool) -> list:
    """The wanted methods of `cls`. Only __init__ is compiled, since making objects is the one
    thing done often; comparing, hashing and showing one read the fields by name."""
    names = frozenset(f.name for f in fields)
    makers = {"__init__": lambda: _init(cls, fields, post_init), "__repr__": lambda: _repr(fields),
              "__eq__": lambda: _eq(fields), "__hash__": lambda: _hash(fields),
              "__setattr__": lambda: _setattr(cls, names), "__delattr__": lambda: _delattr(cls, names)}
    return [makers[name]() for name in wanted]


def _init(cls, fields, post_init: bool):
    """An __init__ that compiles the real one the first time an object is made, and puts it in its
    place: most records of a module are never made by a given command."""
    def __init__(self, *args, **kwargs):
        if cls.__dict__.get("__init__") is __init__:
            cls.__init__ = _compiled_init(cls, fields, post_init)
        cls.__init__(self, *args, **kwargs)
    return __init__


def _compiled_init(cls, fields, post_init: bool):
    scope = {"__object_setattr": object.__setattr__, "__FACTORY": FACTORY}
    text = _init_source(fields, scope, post_init)
    exec(compile(text, f"<record {cls.__qualname__}>", "exec"), scope)
    made = scope["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    return made


def _init_source(fields, scope: dict, post_init: bool) -> str:
    params, lines = ["self"], []
    for f in fields:
        if f.kw_only:
            raise TypeError(f"record does not make keyword-only fields ({f.name}); use dataclass")
        if f.init:
            params.append(_param(f, scope))
        value = _initial(f, scope)
        if value is not None:
            lines.append(f"  __object_setattr(self, {f.name!r}, {value})")
    if post_init:
        lines.append("  self.__post_init__()")
    return f"def __init__({', '.join(params)}):\n" + ("\n".join(lines) or "  pass")


def _param(f, scope: dict) -> str:
    if f.default is not MISSING:
        scope[f"__default_{f.name}"] = f.default
        return f"{f.name}=__default_{f.name}"
    if f.default_factory is not MISSING:
        return f"{f.name}=__FACTORY"
    return f.name


def _initial(f, scope: dict) -> str | None:
    """The expression __init__ stores in field f, or None when it stores nothing."""
    if f.default_factory is not MISSING:
        scope[f"__factory_{f.name}"] = f.default_factory
        made = f"__factory_{f.name}()"
        return f"{made} if {f.name} is __FACTORY else {f.name}" if f.init else made
    if f.init:
        return f.name
    if f.default is not MISSING:
        scope[f"__default_{f.name}"] = f.default
        return f"__default_{f.name}"
    return None


def _getter(names):
    """obj → the tuple of obj's fields `names` (a 1-tuple for one: tuples compare as dataclass's do)."""
    if not names:
        return lambda obj: ()
    get = attrgetter(*names)
    return (lambda obj: (get(obj),)) if len(names) == 1 else get


def _repr(fields):
    shown = tuple(f.name for f in fields if f.repr)

    def __repr__(self):
        inside = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inside})"
    return __repr__


def _eq(fields):
    key = _getter([f.name for f in fields if f.compare])

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented
    return __eq__


def _hash(fields):
    key = _getter([f.name for f in fields if (f.compare if f.hash is None else f.hash)])

    def __hash__(self):
        return hash(key(self))
    return __hash__


def _setattr(cls, names: frozenset):
    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)
    return __setattr__


def _delattr(cls, names: frozenset):
    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)
    return __delattr__
