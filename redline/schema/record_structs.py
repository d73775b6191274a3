"""msgspec structs made from pydantic models, for the quick check of records
(:mod:`redline.schema.quick_check`): each reads a model's JSON as strictly as the model or
more, and runs the model's own validators on what it read.

A field whose type msgspec reads at least as strictly as pydantic (JSON strings, integers,
booleans, string literals, lists, objects, nested models) with the constraints msgspec has
(lengths, bounds) is read by msgspec; any other (a datetime, a float, a pattern) by a
pydantic adapter of that very field. A model the structs cannot follow (settings that change
how values are read, aliases, validators other than "after" ones) is refused when its struct
is built, so that a change to the models cannot make the quick check looser than they are.
"""

from __future__ import annotations

import copy
import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

import annotated_types
import msgspec
from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

_CONSTRAINTS = {
    annotated_types.MinLen: "min_length",
    annotated_types.MaxLen: "max_length",
    annotated_types.Ge: "ge",
    annotated_types.Gt: "gt",
    annotated_types.Le: "le",
    annotated_types.Lt: "lt",
}
"""pydantic's constraints that msgspec checks alike, with msgspec's name (the attribute's too)."""
_CONFIG = {"extra", "frozen", "defer_build"}
"""The model settings a struct can follow (none of them changes how a value is read)."""
_Adapted = tuple[str, "TypeAdapter[Any]", "Callable[[], Any]"]
"""A field pydantic reads: its name, its adapter, and its default if it is not given."""


@cache
def struct_of(model: type[BaseModel]) -> type[Any]:
    """The struct that reads ``model``'s JSON; a TypeError if ``model`` is one it cannot
    read as strictly as pydantic does."""
    unknown = set(model.model_config) - _CONFIG
    if unknown or model.model_config.get("extra") not in ("forbid", "ignore", None):
        raise TypeError(f"{model.__name__}: no struct reads it as its settings say ({unknown})")
    fields: list[tuple[str, Any, Any] | tuple[str, Any]] = []
    adapted: list[_Adapted] = []
    for name, info in model.model_fields.items():
        if info.alias is not None or info.validation_alias is not None:
            raise TypeError(f"{model.__name__}.{name}: the quick check reads no aliases")
        kind = _strict_type(info)
        default = _default_of(info)
        if kind is None:  # pydantic reads it, in the record as on its own
            adapter: TypeAdapter[Any] = TypeAdapter(cast(Any, Annotated[info.annotation, info]))
            adapted.append((name, adapter, default))
            kind = msgspec.Raw
        if info.is_required():
            fields.append((name, kind))
        elif kind is msgspec.Raw:
            fields.append((name, msgspec.Raw | msgspec.UnsetType, msgspec.UNSET))
        elif info.default_factory is not None:
            fields.append((name, kind, msgspec.field(default_factory=default)))
        else:
            fields.append((name, kind, info.default))
    checks = _checks_of(model, adapted)
    return msgspec.defstruct(
        f"Quick{model.__name__}",
        fields,
        kw_only=True,
        forbid_unknown_fields=model.model_config.get("extra") == "forbid",
        namespace={} if checks is None else {"__post_init__": checks},
        gc=False,  # half the cost of reading them; they hold no cycles (values and lists)
    )


def _default_of(info: FieldInfo) -> Callable[[], Any]:
    """The field's default, made when it is not given (its factory itself: pydantic's
    ``get_default`` looks at the factory's signature on every call, a fifth of the check)."""
    if info.default_factory is None:
        return partial(copy.copy, info.default)
    if info.default_factory_takes_validated_data:
        raise TypeError("the quick check makes no default from the other fields")
    return cast("Callable[[], Any]", info.default_factory)


def _strict_type(info: FieldInfo) -> Any:
    """The field's type for msgspec, with its constraints; None where msgspec would not read
    it exactly as strictly as pydantic or more."""
    try:
        kind = _checked_type(info.annotation)
    except TypeError:
        return None
    meta = {}
    for constraint in info.metadata:
        name = _CONSTRAINTS.get(type(constraint))
        if name is None:
            return None
        meta[name] = getattr(constraint, name)
    return Annotated[kind, msgspec.Meta(**meta)] if meta else kind


def _checked_type(annotation: Any) -> Any:
    if annotation in (str, int, bool, type(None), Any):
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return struct_of(annotation)
    origin, arguments = get_origin(annotation), get_args(annotation)
    if origin is Literal and all(isinstance(value, str) for value in arguments):
        return annotation
    if origin in (Union, types.UnionType):
        return Union[tuple(_checked_type(argument) for argument in arguments)]  # noqa: UP007
    if origin is list and len(arguments) == 1:
        return list[_checked_type(arguments[0])]  # type: ignore[misc]
    if origin is dict and arguments and arguments[0] is str:
        return dict[str, _checked_type(arguments[1])]  # type: ignore[misc]
    raise TypeError(f"no struct reads {annotation!r} as pydantic does")


def _told(validator: Callable[[Any, Any], Any], info: _JsonInfo) -> Callable[[Any], Any]:
    return lambda value: validator(value, info)


@dataclass(frozen=True, slots=True)
class _JsonInfo:
    """What a field validator is told of the reading: from JSON, with no context."""

    field_name: str
    mode: str = "json"
    context: None = None
    data: None = None
    config: None = None


def _checks_of(model: type[BaseModel], adapted: list[_Adapted]) -> Callable[[Any], Any] | None:
    """A struct's ``__post_init__`` (None: nothing to check): the adapted fields read, then
    the model's own field and model validators run on it, as pydantic runs them after
    reading (on the defaults too, which pydantic leaves alone: stricter, never looser)."""
    decorators = model.__pydantic_decorators__
    strange = [*decorators.validators, *decorators.root_validators]
    if strange or any(d.info.mode != "after" for d in decorators.model_validators.values()):
        raise TypeError(f"{model.__name__}: validators the quick check cannot run as pydantic")
    on_fields: list[tuple[str, Callable[[Any], Any]]] = []
    for decorator in decorators.field_validators.values():
        if decorator.info.mode != "after":
            raise TypeError(f"{model.__name__}.{decorator.cls_var_name}: not an after validator")
        told = len(inspect.signature(decorator.func).parameters) == 2
        on_fields += [
            (name, _told(decorator.func, _JsonInfo(name)) if told else decorator.func)
            for name in decorator.info.fields
        ]
    on_model = [decorator.func for decorator in decorators.model_validators.values()]

    def check(record: Any) -> None:
        for name, adapter, default in adapted:
            value = getattr(record, name)
            setattr(
                record,
                name,
                default() if value is msgspec.UNSET else adapter.validate_json(bytes(value)),
            )
        for name, validator in on_fields:
            setattr(record, name, validator(getattr(record, name)))
        for validator in on_model:
            validator(record)

    if not adapted and not on_fields and len(on_model) <= 1:
        # a span's own check, run 50 times a record: called as it is (~1 µs a span less)
        return on_model[0] if on_model else None
    return check
