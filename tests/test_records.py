"""@record against the real @dataclass: the same objects, equality, hashes, reprs and frozen guard.

The reference is the standard library itself: each case class is made twice from the same body,
once by dataclasses.dataclass and once by netspec.records.record, and the two are compared on
what a caller can see. Every record of netspec is then held to the same signature and hashing
rules a dataclass with its fields would have.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect

import pkgutil
from dataclasses import field

import pytest

import netspec
from netspec.records import record


def twins(body: dict, frozen: bool = True, bases: tuple = ()):
    """The class `body` made by dataclass and by record (two fresh classes: decorators change them)."""
    made = []
    for decorate in (lambda c: dataclasses.dataclass(c, frozen=frozen), lambda c: record(c, frozen=frozen)):
        namespace = {k: (field(**v.kwargs) if isinstance(v, Spec) else v) for k, v in body.items()}
        made.append(decorate(type("Point", bases, namespace)))
    return made


class Spec:
    """field(...) settings, so each twin gets a Field object of its own."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs


POINT = {"__annotations__": {"x": "int", "y": "float", "tags": "list", "where": "object"},
         "__module__": __name__, "__doc__": "A point.",
         "y": 2.5, "tags": Spec(default_factory=list), "where": Spec(default=None, compare=False, repr=False)}


@pytest.mark.parametrize("frozen", [True, False])
def test_objects_compare_show_and_hash_as_a_dataclass_does(frozen):
    theirs, ours = twins(POINT, frozen)
    for args, kwargs in [((1,), {}), ((1, 3.0), {}), ((1,), {"tags": [4]}), ((7, 1.5, [1, 2], "here"), {})]:
        a, b = theirs(*args, **kwargs), ours(*args, **kwargs)
        assert repr(a) == repr(b)
        assert [getattr(a, n) for n in ("x", "y", "tags", "where")] == [getattr(b, n) for n in ("x", "y", "tags", "where")]
    assert ours(1) == ours(1, 2.5, [], where="elsewhere")  # `where` is left out of ==, as compare=False says
    assert ours(1) != ours(2) and ours(1) != theirs(1)  # another class is never equal, as with dataclasses
    assert ours(1).tags is not ours(1).tags  # a fresh list from the factory for each object
    assert shown(ours.__init__) == shown(theirs.__init__)
    assert [f.name for f in dataclasses.fields(ours)] == ["x", "y", "tags", "where"]
    assert dataclasses.replace(ours(1), y=9.0) == ours(1, 9.0)
    if frozen:
        assert hash(ours(1, 2.0, ())) == hash(theirs(1, 2.0, ())) == hash((1, 2.0, ()))
    else:
        assert ours.__hash__ is None and theirs.__hash__ is None


def shown(init) -> list[str]:
    """An __init__'s parameters as help() shows them, without the annotations."""
    return [f"{p.name}={p.default!r}" if p.default is not p.empty else p.name
            for p in inspect.signature(init).parameters.values()]


def test_a_frozen_record_refuses_to_change_as_a_frozen_dataclass_does():
    theirs, ours = twins(POINT)
    for obj in (theirs(1), ours(1)):
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
            obj.x = 2
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'y'"):
            del obj.y
    assert copy.deepcopy(ours(3, 4.0)) == ours(3, 4.0)  # as pickle would rebuild it


def test_a_class_keeps_what_it_defines_itself_and_post_init_runs():
    def post_init(self):
        object.__setattr__(self, "y", self.x * 2.0)
    body = {**POINT, "__post_init__": post_init, "__repr__": lambda self: "mine"}
    theirs, ours = twins(body)
    assert repr(ours(3)) == repr(theirs(3)) == "mine"
    assert ours(3).y == theirs(3).y == 6.0
    explicit = {**POINT, "__eq__": lambda self, other: True}  # an own __eq__ and no __hash__: the fields' hash
    theirs, ours = twins(explicit)
    assert ours(1) == ours(2) and hash(ours(1, 2.0, ())) == hash(theirs(1, 2.0, ())) == hash((1, 2.0, ()))


def test_an_inherited_record_takes_its_bases_fields_first():
    made = []
    for base, decorate in zip(twins(POINT), (lambda c: dataclasses.dataclass(c, frozen=True), record)):
        child = decorate(type("Child", (base,), {"__annotations__": {"z": "int"}, "z": 0, "__module__": __name__}))
        made.append(child(1, 2.0, [], None, 5))
    assert repr(made[0]) == repr(made[1]) == "Child(x=1, y=2.0, tags=[], z=5)"
    assert made[1].z == 5 and made[1] == type(made[1])(1, 2.0, [], "elsewhere", 5)


def test_a_missing_argument_is_the_same_type_error():
    theirs, ours = twins(POINT)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        theirs()
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        ours()


def every_record():
    """Each @record class of netspec's modules (each module imported: none runs anything on import)."""
    for info in pkgutil.walk_packages(netspec.__path__, "netspec."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == info.name and dataclasses.is_dataclass(value):
                yield value


def test_every_record_of_netspec_takes_its_fields_as_a_dataclass_would():
    checked = 0
    for cls in every_record():
        fields = dataclasses.fields(cls)
        expected = [inspect.Parameter(f.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                      default=f.default if f.default is not dataclasses.MISSING
                                      else dataclasses.MISSING if f.default_factory is dataclasses.MISSING
                                      else "factory")
                    for f in fields]
        params = list(inspect.signature(_compiled(cls)).parameters.values())[1:]
        assert [p.name for p in params] == [p.name for p in expected], cls
        for got, want in zip(params, expected):
            if want.default is dataclasses.MISSING:
                assert got.default is inspect.Parameter.empty, (cls, got)
            elif want.default != "factory":
                assert got.default is want.default, (cls, got)
        checked += 1
    assert checked > 100  # netspec has some 145


def _compiled(cls):
    """The real __init__ of a record (compiled when its first object is made)."""
    from netspec.records import _compiled_init
    return _compiled_init(cls, dataclasses.fields(cls), hasattr(cls, "__post_init__"))
