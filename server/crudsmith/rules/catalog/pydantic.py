"""Pydantic v2 rules (CSM2xx): the v1 idioms that still ship in FastAPI code.

Each rule reads only this file's statements (and the workspace's Pydantic class
names where the receiver of a call is in question); fixes are text edits that
produce code Pydantic 2 runs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from crudsmith.rules.fastapi_ast import (
    call_keyword,
    dotted_name,
    endpoint_of,
    functions_with_owner,
    last_name,
)
from crudsmith.rules.gates import mentions, names_any, words
from crudsmith.rules.model import Finding, Fix, RuleContext, Severity, TextEdit
from crudsmith.rules.readers_pydantic import (
    ClassIndex,
    all_endpoints,
    annotation_names,
    assignments_of,
    attribute_calls,
    calls_of,
    class_fields,
    class_index,
    config_class,
    constructed_class,
    endpoint_body_models,
    file_nodes,
    has_model_config,
    insert_at_end,
    is_imported_from,
    is_optional,
    line_indent,
    local_types,
    model_config_call,
    module_types,
    newline_of,
    node_span,
    orm_model_of,
    point,
    pydantic_import_alias,
    remove_alias_edit,
    response_models,
    source_of,
    walk,
    walk_statements,
    with_import,
    within,
)
from crudsmith.rules.registry import rule

PYDANTIC_MODULES = ("pydantic",)
PYDANTIC = words("pydantic")
BASE_SETTINGS = words("BaseSettings")
MODEL_VALIDATE = words("model_validate")


def uses_pydantic_v1_namespace(ctx: RuleContext) -> bool:
    """The file imports `pydantic.v1`: it keeps the v1 API on purpose (Pydantic 2 ships it
    for that), so the v1-idiom rules have nothing to say."""
    return any(
        spec.module == "pydantic.v1" or spec.module.startswith("pydantic.v1.")
        for spec in ctx.analysis.imports
    )


# ---------------------------------------------------------------- CSM201

CONFIG_RENAMES = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
    "min_anystr_length": "str_min_length",
    "max_anystr_length": "str_max_length",
    "validate_all": "validate_default",
    "schema_extra": "json_schema_extra",
    "keep_untouched": "ignored_types",
}
# Keys whose name is unchanged in v2 (ConfigDict / SettingsConfigDict).
CONFIG_SAME = frozenset(
    {
        "title",
        "str_strip_whitespace",
        "str_to_lower",
        "str_to_upper",
        "str_min_length",
        "str_max_length",
        "from_attributes",
        "populate_by_name",
        "validate_default",
        "json_schema_extra",
        "extra",
        "frozen",
        "arbitrary_types_allowed",
        "validate_assignment",
        "use_enum_values",
        "alias_generator",
        "json_encoders",
        "protected_namespaces",
        "ser_json_timedelta",
        "strict",
        "revalidate_instances",
        "hide_input_in_errors",
        "ignored_types",
        "loc_by_alias",
        "regex_engine",
        "defer_build",
        "coerce_numbers_to_str",
        "use_attribute_docstrings",
        "env_prefix",
        "env_file",
        "env_file_encoding",
        "env_nested_delimiter",
        "env_ignore_empty",
        "case_sensitive",
        "secrets_dir",
        "env_parse_none_str",
        "env_parse_enums",
        "cli_parse_args",
    }
)
# v1 keys with no mechanical v2 form.
CONFIG_REMOVED = frozenset(
    {
        "fields",
        "underscore_attrs_are_private",
        "copy_on_model_validation",
        "smart_union",
        "error_msg_templates",
        "getter_dict",
        "json_loads",
        "json_dumps",
        "post_init_call",
        "allow_inf_nan",
        "schema_extra_callable",
    }
)


@rule(
    "CSM201",
    "config-class",
    "Pydantic v1 `class Config` instead of `model_config = ConfigDict(...)`",
    Severity.WARNING,
    """A Pydantic model configured with an inner `class Config` uses the v1 API: Pydantic 2
still accepts it with a deprecation warning but ignores the renamed keys, so `orm_mode = True`
silently stops working. Use `model_config = ConfigDict(...)` (`SettingsConfigDict(...)` for
settings) with the v2 key names (`orm_mode` -> `from_attributes`, `allow_population_by_field_name`
-> `populate_by_name`, `anystr_strip_whitespace` -> `str_strip_whitespace`, `validate_all` ->
`validate_default`, `schema_extra` -> `json_schema_extra`, `allow_mutation = False` ->
`frozen=True`, ...). Keys with no v2 equivalent (`fields`, `getter_dict`, `smart_union`, ...)
are reported without a fix.

Bad:

```python
class UserPublic(BaseModel):
    id: int

    class Config:
        orm_mode = True
```

Good:

```python
class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
```
""",
    fixable=True,
)
def config_class_rule(ctx: RuleContext) -> Iterator[Finding]:
    if uses_pydantic_v1_namespace(ctx):
        return
    index = class_index(ctx)
    for cls in index.local.values():
        config = config_class(cls)
        if config is None:
            continue
        settings = index.is_settings(cls)
        yield Finding(
            "CSM201",
            f"`{cls.name}` is configured with a v1 `class Config`; use `model_config = "
            f"{'SettingsConfigDict' if settings else 'ConfigDict'}(...)`",
            node_span(config),
            Severity.WARNING,
            _config_fix(ctx, cls, config, settings),
        )


def _config_fix(
    ctx: RuleContext, cls: ast.ClassDef, config: ast.ClassDef, settings: bool
) -> Fix | None:
    if has_model_config(cls) or config.decorator_list or config.bases:
        return None
    pairs: list[str] = []
    for stmt in config.body:
        if _is_docstring_or_pass(stmt):
            continue
        pair = _config_pair(ctx, stmt)
        if pair is None:
            return None
        if pair:
            pairs.append(pair)
    factory, module = (
        ("SettingsConfigDict", "pydantic_settings") if settings else ("ConfigDict", "pydantic")
    )
    indent = line_indent(ctx, config.lineno)
    one_line = f"model_config = {factory}({', '.join(pairs)})"
    if len(indent) + len(one_line) > 88 or any("\n" in pair for pair in pairs):
        nl = newline_of(ctx)
        inner = "".join(f"{indent}    {pair},{nl}" for pair in pairs)
        one_line = f"model_config = {factory}({nl}{inner}{indent})"
    edits = [TextEdit(node_span(config), one_line), *_config_imports(ctx, config, factory, module)]
    # Comments inside `class Config` are not carried over: such a fix is offered, not applied.
    safe = "#" not in source_of(ctx, config)
    return Fix(
        f"Replace `class Config` with `model_config = {factory}(...)`", tuple(edits), safe=safe
    )


def _config_imports(
    ctx: RuleContext, config: ast.ClassDef, factory: str, module: str
) -> list[TextEdit]:
    """Import the factory; when `Extra` was only used by this `class Config`, its import
    goes (renamed to `ConfigDict` in place when that is what is needed)."""
    extra = pydantic_import_alias(ctx, "Extra")
    names = file_nodes(ctx.statements).get(ast.Name, [])
    uses = [n for n in names if getattr(n, "id", "") == "Extra"]
    if extra is None or not uses or len(within(config, uses)) != len(uses):
        return with_import(ctx, [], module, factory)
    statement, alias = extra
    if module == "pydantic" and pydantic_import_alias(ctx, factory) is None:
        return [TextEdit(node_span(alias), factory)]
    return [*with_import(ctx, [], module, factory), remove_alias_edit(statement, alias)]


def _is_docstring_or_pass(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass):
        return True
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _config_pair(ctx: RuleContext, stmt: ast.stmt) -> str | None:
    """`key=value` in v2 form, "" to drop the key, None when there is no mechanical form."""
    target: ast.expr
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    else:
        return None
    if not isinstance(target, ast.Name) or target.id in CONFIG_REMOVED:
        return None
    key = target.id
    text = source_of(ctx, value)
    if key == "allow_mutation":
        if not isinstance(value, ast.Constant) or not isinstance(value.value, bool):
            return None
        return "" if value.value else "frozen=True"
    if key == "extra" and isinstance(value, ast.Attribute) and last_name(value.value) == "Extra":
        return f'extra="{value.attr}"'
    key = CONFIG_RENAMES.get(key, key)
    if key not in CONFIG_SAME:
        return None
    return f"{key}={text}"


# ---------------------------------------------------------------- CSM202

INSTANCE_METHODS = {
    "dict": "model_dump",
    "json": "model_dump_json",
    "copy": "model_copy",
}
CLASS_METHODS = {
    "parse_obj": "model_validate",
    "parse_raw": "model_validate_json",
    "from_orm": "model_validate",
    "schema": "model_json_schema",
    "construct": "model_construct",
    "update_forward_refs": "model_rebuild",
    "schema_json": "",  # no one-call v2 form
    "parse_file": "",
}
# Keyword arguments the v2 method accepts unchanged.
KEPT_KWARGS = {
    "model_dump": {
        "include",
        "exclude",
        "by_alias",
        "exclude_unset",
        "exclude_defaults",
        "exclude_none",
    },
    "model_dump_json": {
        "include",
        "exclude",
        "by_alias",
        "exclude_unset",
        "exclude_defaults",
        "exclude_none",
        "indent",
    },
    "model_copy": {"update", "deep"},
    "model_validate": set(),
    "model_validate_json": set(),
    "model_json_schema": {"by_alias", "ref_template"},
    "model_construct": {"_fields_set"},
    "model_rebuild": set(),
}


@rule(
    "CSM202",
    "v1-model-method",
    "Pydantic v1 method (`.dict()`, `.json()`, `.parse_obj()`, `.from_orm()`, ...) on a model",
    Severity.WARNING,
    """Pydantic 2 renamed the model methods: `.dict()` -> `.model_dump()`, `.json()` ->
`.model_dump_json()`, `.copy()` -> `.model_copy()`, `X.parse_obj()` -> `X.model_validate()`,
`X.parse_raw()` -> `X.model_validate_json()`, `X.from_orm(obj)` ->
`X.model_validate(obj, from_attributes=True)`, `X.schema()` -> `X.model_json_schema()`,
`X.construct()` -> `X.model_construct()`. The old names are deprecated and will be removed.
The rule only fires where the receiver is known to be a Pydantic model (a class defined in
the project, a parameter annotated with one, a variable built from one, `self`), so
`.copy()` on a list or `.dict()` on something else is left alone.

Bad:

```python
@router.post("/users", status_code=201)
def create_user(payload: UserCreate, db: SessionDep) -> UserPublic:
    user = User(**payload.dict())
    ...
```

Good:

```python
@router.post("/users", status_code=201)
def create_user(payload: UserCreate, db: SessionDep) -> UserPublic:
    user = User(**payload.model_dump())
    ...
```
""",
    fixable=True,
)
def v1_method_rule(ctx: RuleContext) -> Iterator[Finding]:
    if uses_pydantic_v1_namespace(ctx):
        return
    index = class_index(ctx)
    if not index.local and not _may_name_workspace_class(ctx, index):
        return  # no receiver can be a known Pydantic class: skip the walk for calls
    candidates = attribute_calls(ctx.statements, (*INSTANCE_METHODS, *CLASS_METHODS))
    if not candidates:
        return
    for func, owner in functions_with_owner(ctx.statements):
        calls = within(func, candidates)
        if not calls:
            continue
        owner_name = owner.name if owner is not None and owner.name in index.local else None
        types = local_types(func, index, owner_name, assignments_of(ctx.statements))
        yield from _v1_calls(ctx, calls, types, index)
    top_level = [
        call
        for stmt in ctx.statements
        if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for call in within(stmt, candidates)
    ]
    if top_level:
        yield from _v1_calls(ctx, top_level, module_types(ctx.statements, index), index)


def _may_name_workspace_class(ctx: RuleContext, index: ClassIndex) -> bool:
    """Whether this file may refer to a Pydantic class of another file: by name (a
    receiver, a constructor, an annotation), or in a string annotation of a parameter,
    which `local_types` reads and whose text can be escaped or split across literals."""
    if not index.workspace:
        return False
    if names_any(ctx, index.workspace):
        return True
    return any(
        arg.annotation is not None and _has_string(arg.annotation)
        for func, _owner in functions_with_owner(ctx.statements)
        for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
    )


def _has_string(node: ast.expr) -> bool:
    return any(
        isinstance(sub, ast.Constant) and isinstance(sub.value, str) for sub in ast.walk(node)
    )


def _v1_calls(
    ctx: RuleContext, calls: list[ast.Call], types: dict[str, str], index: ClassIndex
) -> Iterator[Finding]:
    for call in calls:
        assert isinstance(call.func, ast.Attribute)
        finding = _v1_call(ctx, call, call.func, types, index)
        if finding is not None:
            yield finding


def _receiver_class(
    receiver: ast.expr, types: dict[str, str], index: ClassIndex
) -> tuple[str | None, bool]:
    """(class name, receiver is the class itself) for a known Pydantic receiver."""
    if isinstance(receiver, ast.Name):
        if receiver.id in types:
            return types[receiver.id], receiver.id == "cls"
        if index.is_pydantic(receiver.id):
            return receiver.id, True
        return None, False
    produced = constructed_class(receiver, index)
    return produced, False


def _v1_call(
    ctx: RuleContext,
    call: ast.Call,
    attr: ast.Attribute,
    types: dict[str, str],
    index: ClassIndex,
) -> Finding | None:
    method = attr.attr
    if method not in INSTANCE_METHODS and method not in CLASS_METHODS:
        return None
    cls, is_class = _receiver_class(attr.value, types, index)
    if cls is None:
        return None
    table = CLASS_METHODS if is_class else INSTANCE_METHODS
    if method not in table:
        return None
    new = table[method]
    label = source_of(ctx, attr.value) or cls
    message = f"`{label}.{method}()` is the Pydantic v1 API"
    message += f"; use `.{new}()`" if new else "; it has no one-call v2 form"
    return Finding(
        "CSM202", message, node_span(call), Severity.WARNING, _method_fix(call, attr, method, new)
    )


def _method_fix(call: ast.Call, attr: ast.Attribute, method: str, new: str) -> Fix | None:
    if not new:
        return None
    kept = KEPT_KWARGS[new]
    if any(kw.arg is None or kw.arg not in kept for kw in call.keywords):
        return None
    max_args = {"model_validate": 1, "model_validate_json": 1, "model_construct": 0}.get(new, 0)
    if len(call.args) > max_args or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    end = node_span(attr)
    name_span = point(end.end_line, end.end_col - len(method.encode()))
    edits = [
        TextEdit(type(name_span)(name_span.line, name_span.col, end.end_line, end.end_col), new)
    ]
    if method == "from_orm":
        if len(call.args) != 1:
            return None
        edits.append(insert_at_end(call.args[0], ", from_attributes=True"))
    return Fix(f"Use `.{new}()`", tuple(edits))


# ---------------------------------------------------------------- CSM203


@rule(
    "CSM203",
    "basesettings-from-pydantic",
    "`BaseSettings` imported from `pydantic` (moved to `pydantic-settings`)",
    Severity.ERROR,
    """Pydantic 2 moved `BaseSettings` to the separate `pydantic-settings` package;
`from pydantic import BaseSettings` raises `PydanticImportError` at import time.

Bad:

```python
from pydantic import BaseSettings
```

Good:

```python
from pydantic_settings import BaseSettings
```
""",
    fixable=True,
)
def basesettings_import_rule(ctx: RuleContext) -> Iterator[Finding]:
    if not mentions(ctx, BASE_SETTINGS):  # both shapes name `BaseSettings`
        return
    for node in file_nodes(ctx.statements).get(ast.ImportFrom, []):
        assert isinstance(node, ast.ImportFrom)
        if node.module != "pydantic" or node.level:
            continue
        moved = [alias for alias in node.names if alias.name == "BaseSettings"]
        if not moved:
            continue
        yield Finding(
            "CSM203",
            "`BaseSettings` is imported from `pydantic`; it lives in `pydantic_settings` in v2",
            node_span(moved[0]),
            Severity.ERROR,
            _settings_import_fix(ctx, node, moved[0]),
        )
    for cls in file_nodes(ctx.statements).get(ast.ClassDef, []):
        assert isinstance(cls, ast.ClassDef)
        for base in cls.bases:
            if dotted_name(base) == "pydantic.BaseSettings":
                yield Finding(
                    "CSM203",
                    f"`{cls.name}` subclasses `pydantic.BaseSettings`; it lives in"
                    " `pydantic_settings` in v2",
                    node_span(base),
                    Severity.ERROR,
                    _settings_base_fix(ctx, base),
                )


def _settings_base_fix(ctx: RuleContext, base: ast.expr) -> Fix | None:
    bound = {spec.alias or spec.name for spec in ctx.analysis.imports}
    if "BaseSettings" in bound and not is_imported_from(
        ctx, "BaseSettings", ("pydantic_settings",)
    ):
        return None  # the bare name means something else here
    edits = [TextEdit(node_span(base), "BaseSettings")]
    return Fix(
        "Subclass `pydantic_settings.BaseSettings`",
        tuple(with_import(ctx, edits, "pydantic_settings", "BaseSettings")),
    )


def _alias_text(alias: ast.alias) -> str:
    return alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"


def _settings_import_fix(ctx: RuleContext, node: ast.ImportFrom, moved: ast.alias) -> Fix:
    rest = [alias for alias in node.names if alias is not moved]
    new_line = f"from pydantic_settings import {_alias_text(moved)}"
    if rest:
        indent = line_indent(ctx, node.lineno)
        names = ", ".join(_alias_text(alias) for alias in rest)
        new_line = f"from pydantic import {names}{newline_of(ctx)}{indent}{new_line}"
    return Fix(
        "Import `BaseSettings` from `pydantic_settings`", (TextEdit(node_span(node), new_line),)
    )


# ---------------------------------------------------------------- CSM204


@rule(
    "CSM204",
    "v1-validator",
    "Pydantic v1 `@validator` / `@root_validator`",
    Severity.WARNING,
    """`@validator` and `@root_validator` are the deprecated v1 decorators. Use
`@field_validator` (a `@classmethod`; `pre=True` becomes `mode="before"`) and
`@model_validator` (`@root_validator(pre=True)` becomes `@model_validator(mode="before")` on a
classmethod). The fix is offered where it is mechanical: a v1 validator taking `values`,
`field` or `config`, using `always=True` or `each_item=True`, or a post root validator (which
becomes an instance method `(self) -> Self` in v2) needs a rewrite by hand.

Bad:

```python
class UserCreate(BaseModel):
    name: str

    @validator("name", pre=True)
    def strip(cls, v):
        return v.strip()
```

Good:

```python
class UserCreate(BaseModel):
    name: str

    @field_validator("name", mode="before")
    @classmethod
    def strip(cls, v):
        return v.strip()
```
""",
    fixable=True,
)
def v1_validator_rule(ctx: RuleContext) -> Iterator[Finding]:
    if uses_pydantic_v1_namespace(ctx):
        return
    for func, _owner in functions_with_owner(ctx.statements):
        for decorator in func.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = dotted_name(target)
            kind = _v1_validator_kind(ctx, name)
            if kind is None:
                continue
            new = "field_validator" if kind == "validator" else "model_validator"
            yield Finding(
                "CSM204",
                f"`@{name}` on `{func.name}` is Pydantic v1; use `@{new}`",
                node_span(decorator),
                Severity.WARNING,
                _validator_fix(ctx, func, decorator, kind),
            )


def _v1_validator_kind(ctx: RuleContext, name: str) -> str | None:
    if name in ("pydantic.validator", "pydantic.root_validator"):
        return name.partition(".")[2]
    if name in ("validator", "root_validator") and is_imported_from(ctx, name, PYDANTIC_MODULES):
        return name
    return None


def _validator_fix(
    ctx: RuleContext, func: ast.FunctionDef | ast.AsyncFunctionDef, decorator: ast.expr, kind: str
) -> Fix | None:
    params = [arg.arg for arg in func.args.args]
    if func.args.vararg or func.args.kwarg or func.args.kwonlyargs:
        return None
    call = decorator if isinstance(decorator, ast.Call) else None
    keywords = {kw.arg: kw.value for kw in call.keywords} if call is not None else {}
    if None in keywords:
        return None
    keywords.pop("allow_reuse", None)
    mode = ""
    pre = keywords.pop("pre", None)
    if pre is not None:
        if not isinstance(pre, ast.Constant) or not isinstance(pre.value, bool):
            return None
        mode = "before" if pre.value else ""
    if kind == "validator":
        if len(params) != 2 or keywords.keys() - {"check_fields"}:
            return None
        args = [source_of(ctx, arg) for arg in call.args] if call is not None else []
        if not args:
            return None
        args += [f"{key}={source_of(ctx, value)}" for key, value in keywords.items() if key]
        if mode:
            args.append('mode="before"')
        new = f"field_validator({', '.join(args)})"
    else:
        if mode != "before" or len(params) != 2 or keywords or (call is not None and call.args):
            return None
        new = 'model_validator(mode="before")'
    prefix = (
        "pydantic." if dotted_name(call.func if call else decorator).startswith("pydantic.") else ""
    )
    edits = [TextEdit(node_span(decorator), prefix + new)]
    if not any(last_name(d) == "classmethod" for d in func.decorator_list):
        last = func.decorator_list[-1]
        indent = line_indent(ctx, decorator.lineno)
        edits.append(insert_at_end(last, f"{newline_of(ctx)}{indent}@classmethod"))
    if not prefix:
        edits += _validator_import_edits(ctx, kind, new.partition("(")[0])
    return Fix(f"Use `@{new.partition('(')[0]}`", tuple(edits))


def _validator_import_edits(ctx: RuleContext, old: str, new: str) -> list[TextEdit]:
    """Import `new`; when this use is the last use of `old`, its import goes (renamed to
    `new` in place, or removed when `new` is imported already), so no unused import stays."""
    uses = sum(
        1 for n in file_nodes(ctx.statements).get(ast.Name, []) if getattr(n, "id", "") == old
    )
    found = pydantic_import_alias(ctx, old)
    if uses != 1 or found is None:
        return with_import(ctx, [], "pydantic", new)
    statement, alias = found
    if pydantic_import_alias(ctx, new) is None:
        return [TextEdit(node_span(alias), new)]
    return [remove_alias_edit(statement, alias)]


# ---------------------------------------------------------------- CSM205

FIELD_RENAMES = {"regex": "pattern", "min_items": "min_length", "max_items": "max_length"}
V1_FIELD_ARGS = frozenset(
    {"regex", "min_items", "max_items", "example", "allow_mutation", "const", "unique_items"}
)
FIELD_FUNCS = frozenset({"Field", "constr", "conlist", "conset", "confrozenset", "conbytes"})


@rule(
    "CSM205",
    "v1-field-argument",
    "Pydantic v1 `Field` argument (`regex`, `min_items`, `max_items`, `const`, `example`, ...)",
    Severity.WARNING,
    """Pydantic 2 renamed or removed several `Field` / `constr` / `conlist` arguments:
`regex` -> `pattern`, `min_items` -> `min_length`, `max_items` -> `max_length`,
`allow_mutation=False` -> `frozen=True`, `example=x` -> `examples=[x]`. `const=True` is gone
(use a `Literal[...]` type) and `unique_items` is gone (use a `set`); those are reported
without a fix. Pydantic 2 rejects the removed arguments or ignores them with a warning.

Bad:

```python
code: str = Field(regex=r"^[A-Z]{3}$", example="EUR")
```

Good:

```python
code: str = Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])
```
""",
    fixable=True,
)
def v1_field_argument_rule(ctx: RuleContext) -> Iterator[Finding]:
    if uses_pydantic_v1_namespace(ctx) or not mentions(ctx, PYDANTIC):  # imported or dotted
        return
    imported = {
        spec.name
        for spec in ctx.analysis.imports
        if spec.module == "pydantic" and spec.name in FIELD_FUNCS and not spec.alias
    }
    for node in calls_of(ctx.statements):
        if not node.keywords:
            continue
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in imported:
                continue
            short = func.id
        elif isinstance(func, ast.Attribute) and dotted_name(func) == f"pydantic.{func.attr}":
            if func.attr not in FIELD_FUNCS:
                continue
            short = func.attr
        else:
            continue
        for keyword in node.keywords:
            replacement = _field_keyword(ctx, keyword)
            if replacement is None:
                continue
            fix = None
            if replacement:
                fix = Fix(
                    f"Use `{replacement.partition('=')[0]}`",
                    (TextEdit(node_span(keyword), replacement),),
                )
            yield Finding(
                "CSM205",
                f"`{short}({keyword.arg}=...)` is a Pydantic v1 argument"
                + (f"; use `{replacement.partition('=')[0]}=`" if replacement else ""),
                node_span(keyword),
                Severity.WARNING,
                fix,
            )


def _field_keyword(ctx: RuleContext, keyword: ast.keyword) -> str | None:
    """The v2 replacement `name=value`, "" when there is none, None when not v1."""
    if keyword.arg is None or keyword.arg not in V1_FIELD_ARGS:
        return None
    value = source_of(ctx, keyword.value)
    if keyword.arg in FIELD_RENAMES:
        return f"{FIELD_RENAMES[keyword.arg]}={value}"
    if keyword.arg == "example":
        return f"examples=[{value}]"
    if keyword.arg == "allow_mutation":
        if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, bool):
            return f"frozen={not keyword.value.value}"
        return ""
    if keyword.arg in ("const", "unique_items", "min_items", "max_items"):
        return ""
    return None


# ---------------------------------------------------------------- CSM206

REQUEST_SUFFIX = re.compile(r"(Create|Update|In|Input|Request|Payload|Body)$")


@rule(
    "CSM206",
    "optional-without-default",
    "`Optional[X]` field without a default in a request model (required in Pydantic 2)",
    Severity.WARNING,
    """In Pydantic 1 a field annotated `Optional[X]` was optional with a default of `None`;
in Pydantic 2 the annotation only allows `None` as a value and the field is **required**
unless it has a default. A request model (used as an endpoint's body, or named `*Create`,
`*Update`, `*In`, `*Request`) written the v1 way now rejects requests that leave the field
out. Give it `= None` (the fix; unsafe, since a required nullable field may be meant). In a
file that already uses the v2 API (`model_dump`, `ConfigDict`, `field_validator`, ...) a
required nullable field is taken as intended, except in `*Update` / PATCH bodies, where a
required field is always a mistake.

Bad:

```python
class UserUpdate(BaseModel):
    name: Optional[str]
```

Good:

```python
class UserUpdate(BaseModel):
    name: Optional[str] = None
```
""",
    fixable=True,
)
def optional_without_default_rule(ctx: RuleContext) -> Iterator[Finding]:
    if uses_pydantic_v1_namespace(ctx):
        return
    index = class_index(ctx)
    if not index.local:
        return
    endpoints = all_endpoints(ctx)
    bodies = {name for ep in endpoints for name in endpoint_body_models(ep, index)}
    patches = {
        name for ep in endpoints if ep.method == "patch" for name in endpoint_body_models(ep, index)
    }
    v2_file = _uses_v2_api(ctx)
    for name, cls in index.local.items():
        if not (name in bodies or REQUEST_SUFFIX.search(name)) or index.is_settings(cls):
            continue
        if v2_file and not (name in patches or name.endswith("Update")):
            continue  # written for v2: a required nullable field is a choice
        for field in class_fields(cls):
            if field.value is not None or not is_optional(field.annotation):
                continue
            assert isinstance(field.target, ast.Name)
            yield Finding(
                "CSM206",
                f"`{name}.{field.target.id}` is optional but has no default: Pydantic 2 makes it"
                " required",
                node_span(field),
                Severity.WARNING,
                Fix("Add `= None`", (insert_at_end(field.annotation, " = None"),), safe=False),
            )


V2_API = frozenset(
    {
        "model_dump",
        "model_dump_json",
        "model_validate",
        "model_validate_json",
        "model_copy",
        "model_json_schema",
        "field_validator",
        "model_validator",
        "ConfigDict",
        "model_config",
    }
)


def _uses_v2_api(ctx: RuleContext) -> bool:
    """The file already speaks Pydantic 2 (so it was not written with v1 semantics)."""
    nodes = file_nodes(ctx.statements)
    return any(
        isinstance(node, ast.Attribute) and node.attr in V2_API
        for node in nodes.get(ast.Attribute, [])
    ) or any(isinstance(node, ast.Name) and node.id in V2_API for node in nodes.get(ast.Name, []))


# ---------------------------------------------------------------- CSM207


@rule(
    "CSM207",
    "response-without-from-attributes",
    "Response schema built from ORM objects without `from_attributes=True`",
    Severity.ERROR,
    """FastAPI validates what an endpoint returns against its response model. When the
endpoint returns an ORM object (from the session or a model's constructor), Pydantic 2 can
only read it with `from_attributes=True` in the schema's `model_config` (v1's `orm_mode`);
without it every response is a 500 (`ResponseValidationError`). The same holds for
`Schema.model_validate(orm_object)`. The fix adds `model_config = ConfigDict(from_attributes=True)`
(or the key to an existing `model_config`) when the schema is defined in the same file.

Bad:

```python
class UserPublic(BaseModel):
    id: int

@router.get("/users/{user_id}", response_model=UserPublic)
def get_user(user_id: int, db: SessionDep):
    return db.get(User, user_id)
```

Good:

```python
class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
```
""",
    fixable=True,
)
def from_attributes_rule(ctx: RuleContext) -> Iterator[Finding]:
    # No Pydantic class known: nothing to report, whatever the calls (checked first: cheap).
    index = class_index(ctx)
    if not index.local and not index.workspace:
        return
    if not all_endpoints(ctx) and (
        not mentions(ctx, MODEL_VALIDATE)  # the call names it: skip the walk without it
        or not attribute_calls(ctx.statements, ("model_validate",))
    ):
        return
    reported: set[str] = set()
    validations = attribute_calls(ctx.statements, ("model_validate",))
    for func, _owner in functions_with_owner(ctx.statements):
        if not within(func, validations) and endpoint_of(func) is None:
            continue
        for name, where in _orm_validated(func, index, within(func, validations)):
            if name in reported:
                continue
            cls = index.pydantic(name)
            if cls is None or _reads_attributes(cls, index):
                continue
            reported.add(name)
            yield Finding(
                "CSM207",
                f"`{name}` is built from ORM objects but has no `from_attributes=True`",
                node_span(where),
                Severity.ERROR,
                _from_attributes_fix(ctx, index.local.get(name)),
            )


def _orm_validated(
    func: ast.FunctionDef | ast.AsyncFunctionDef, index: ClassIndex, validations: list[ast.Call]
) -> Iterator[tuple[str, ast.expr]]:
    """(schema name, node) where an ORM object meets a Pydantic schema in `func`."""
    endpoint = endpoint_of(func)
    targets = [
        (name, node)
        for name, node in (response_models(endpoint) if endpoint is not None else [])
        if _is_schema_target(name, node, index)
    ]
    if not targets and not validations:
        return
    orm_vars = _orm_variables(func, index)
    if targets and _returns_orm(func, orm_vars, index):
        yield from targets
    for sub in validations:
        if (
            isinstance(sub.func, ast.Attribute)
            and isinstance(sub.func.value, ast.Name)
            and index.is_pydantic(sub.func.value.id)
            and len(sub.args) == 1
            and call_keyword(sub, "from_attributes") is None
            and _is_orm_expr(sub.args[0], orm_vars, index)
        ):
            yield sub.func.value.id, sub


def _is_schema_target(name: str, node: ast.expr, index: ClassIndex) -> bool:
    names = annotation_names(node)
    container = {"list", "List", "Sequence", "tuple", "Tuple", "Optional", "Union", "None"}
    return index.is_pydantic(name) and all(
        n == name or n in container or n == "NoneType" for n in names
    )


def _orm_variables(func: ast.FunctionDef | ast.AsyncFunctionDef, index: ClassIndex) -> set[str]:
    found: set[str] = set()
    args = func.args
    for arg in [*args.args, *args.kwonlyargs]:
        if any(n in index.orm_models for n in annotation_names(arg.annotation)):
            found.add(arg.arg)
    for node in walk(func):  # in order: a variable is known from its assignment on
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and _is_orm_expr(node.value, found, index):
                found.add(target.id)
        elif (
            isinstance(node, ast.For | ast.comprehension)
            and isinstance(node.target, ast.Name)
            and _is_orm_expr(node.iter, found, index)
        ):
            found.add(node.target.id)
    return found


def _is_orm_expr(node: ast.expr, orm_vars: set[str], index: ClassIndex) -> bool:
    """An ORM model's constructor, a session lookup naming a model, or a known ORM variable."""
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id in orm_vars
    return orm_model_of(node, index.orm_models) is not None


def _returns_orm(
    func: ast.FunctionDef | ast.AsyncFunctionDef, orm_vars: set[str], index: ClassIndex
) -> bool:
    for node in walk_statements(func):
        if isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if isinstance(value, ast.ListComp | ast.List):
                return False
            if _is_orm_expr(value, orm_vars, index):
                return True
    return False


def _reads_attributes(cls: ast.ClassDef, index: ClassIndex) -> bool:
    """`from_attributes` / `orm_mode` set in the known chain, or a chain we cannot see fully."""
    if not index.chain_fully_known(cls):
        return True
    for known in index.bases_chain(cls):
        if any(last_name(base) == "SQLModel" for base in known.bases):
            return True  # SQLModel enables from_attributes itself
        call = model_config_call(known)
        if call is not None and (
            call.args or any(kw.arg is None or kw.arg == "from_attributes" for kw in call.keywords)
        ):
            return True
        config = config_class(known)
        if config is not None:
            for stmt in config.body:
                if isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in ("orm_mode", "from_attributes")
                    for t in stmt.targets
                ):
                    return True
    return False


def _from_attributes_fix(ctx: RuleContext, cls: ast.ClassDef | None) -> Fix | None:
    if cls is None or config_class(cls) is not None:
        return None
    call = model_config_call(cls)
    if call is not None:
        if last_name(call.func) not in ("ConfigDict", "SettingsConfigDict", "dict"):
            return None
        anchor = call.keywords[-1] if call.keywords else None
        if anchor is None:
            edit = TextEdit(
                point(node_span(call).end_line, node_span(call).end_col - 1), "from_attributes=True"
            )
        else:
            edit = insert_at_end(anchor, ", from_attributes=True")
        return Fix("Add `from_attributes=True` to `model_config`", (edit,))
    has_doc = (
        isinstance(cls.body[0], ast.Expr)
        and isinstance(cls.body[0].value, ast.Constant)
        and isinstance(cls.body[0].value.value, str)
    )
    first = cls.body[0]
    indent = line_indent(ctx, first.lineno)
    line = "model_config = ConfigDict(from_attributes=True)"
    if has_doc:
        edit = insert_at_end(first, f"{newline_of(ctx) * 2}{indent}{line}")
    elif isinstance(first, ast.Pass) and len(cls.body) == 1:
        edit = TextEdit(node_span(first), line)
    else:
        edit = TextEdit(
            point(first.lineno, first.col_offset), f"{line}{newline_of(ctx) * 2}{indent}"
        )
    edits = [edit]
    return Fix(
        "Add `model_config = ConfigDict(from_attributes=True)`",
        tuple(with_import(ctx, edits, "pydantic", "ConfigDict")),
    )


# ---------------------------------------------------------------- CSM208

TYPE_HELPERS = {
    "parse_obj_as": "validate_python",
    "parse_raw_as": "validate_json",
    "schema_of": "json_schema",
    "parse_file_as": "",
    "schema_json_of": "",
}


@rule(
    "CSM208",
    "v1-type-helper",
    "Pydantic v1 `parse_obj_as` / `parse_raw_as` / `schema_of` instead of `TypeAdapter`",
    Severity.WARNING,
    """Pydantic 2 replaced the module-level helpers that validate arbitrary types with
`TypeAdapter`: `parse_obj_as(T, data)` -> `TypeAdapter(T).validate_python(data)`,
`parse_raw_as(T, text)` -> `TypeAdapter(T).validate_json(text)`, `schema_of(T)` ->
`TypeAdapter(T).json_schema()`. The old functions are deprecated. `parse_file_as` and
`schema_json_of` are reported without a fix.

Bad:

```python
from pydantic import parse_obj_as

users = parse_obj_as(list[UserCreate], rows)
```

Good:

```python
from pydantic import TypeAdapter

users = TypeAdapter(list[UserCreate]).validate_python(rows)
```
""",
    fixable=True,
)
def type_helper_rule(ctx: RuleContext) -> Iterator[Finding]:
    if uses_pydantic_v1_namespace(ctx) or not mentions(ctx, PYDANTIC):  # imported or dotted
        return
    imported = {
        spec.name
        for spec in ctx.analysis.imports
        if spec.module == "pydantic" and spec.name in TYPE_HELPERS and not spec.alias
    }
    for call in calls_of(ctx.statements):
        name = dotted_name(call.func)
        helper = name.removeprefix("pydantic.")
        if helper not in TYPE_HELPERS or (name == helper and helper not in imported):
            continue
        method = TYPE_HELPERS[helper]
        yield Finding(
            "CSM208",
            f"`{helper}()` is the Pydantic v1 API"
            + (f"; use `TypeAdapter(...).{method}()`" if method else "; use `TypeAdapter`"),
            node_span(call),
            Severity.WARNING,
            _type_helper_fix(ctx, call, helper, method, qualified=name != helper),
        )


def _type_helper_fix(
    ctx: RuleContext, call: ast.Call, helper: str, method: str, qualified: bool
) -> Fix | None:
    arity = 1 if method == "json_schema" else 2
    if not method or call.keywords or len(call.args) != arity:
        return None
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    adapter = "pydantic.TypeAdapter" if qualified else "TypeAdapter"
    target = source_of(ctx, call.args[0])
    rest = source_of(ctx, call.args[1]) if arity == 2 else ""
    edits = [TextEdit(node_span(call), f"{adapter}({target}).{method}({rest})")]
    if not qualified:
        edits += _validator_import_edits(ctx, helper, "TypeAdapter")
    return Fix(f"Use `TypeAdapter(...).{method}()`", tuple(edits))
