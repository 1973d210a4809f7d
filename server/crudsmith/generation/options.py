"""What a caller (the CLI, the language server) may choose about a generated project."""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from pathlib import Path

_MODEL = "{model}"


class GenerationError(Exception):
    """The input cannot be generated from; the message says why, in one line."""


def _check_identifier(name: str, what: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise GenerationError(f"{what}: {name!r} is not a valid Python identifier")


@dataclass(frozen=True, slots=True)
class SchemaNames:
    """Patterns for the schema class names of a model; `{model}` stands for its name.

    Constructing one with a pattern that lacks `{model}`, is only `{model}` (it would
    shadow the model class), repeats another pattern or does not make an identifier
    raises `GenerationError`.
    """

    base: str = "{model}Base"
    create: str = "{model}Create"
    update: str = "{model}Update"
    public: str = "{model}Public"
    page: str = "{model}Page"

    def __post_init__(self) -> None:
        patterns = {
            "base": self.base,
            "create": self.create,
            "update": self.update,
            "public": self.public,
            "page": self.page,
        }
        for role, pattern in patterns.items():
            if _MODEL not in pattern:
                raise GenerationError(f"names.{role}: {pattern!r} must contain {_MODEL}")
            if pattern == _MODEL:
                raise GenerationError(f"names.{role}: {pattern!r} would shadow the model class")
            _check_identifier(pattern.replace(_MODEL, "Model"), f"names.{role}")
        if len(set(patterns.values())) != len(patterns):
            raise GenerationError("names: the five schema name patterns must differ")

    def of(self, model: str) -> dict[str, str]:
        """The five schema class names of `model`, by role."""
        return {
            "base": self.base.replace(_MODEL, model),
            "create": self.create.replace(_MODEL, model),
            "update": self.update.replace(_MODEL, model),
            "public": self.public.replace(_MODEL, model),
            "page": self.page.replace(_MODEL, model),
        }


def check_dotted(name: str, what: str = "package") -> str:
    """`name` if it is a dotted Python module name, else `GenerationError`."""
    if not name:
        raise GenerationError(f"{what}: must not be empty")
    for part in name.split("."):
        _check_identifier(part, what)
    return name


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    async_mode: bool | None = None  # None: async when the models use AsyncAttrs / AsyncSession
    only: tuple[str, ...] | None = None  # model names; None: every model
    models_module: str | None = None  # import the models from here instead of copying them
    project_name: str = "app"
    source_name: str = "models.py"
    page_default: int = 20
    page_max: int = 100
    template_dir: Path | None = None  # a team's template overrides, searched first
    package: str = "app"  # dotted package the generated modules live in (`a.b` -> `a/b/`)
    names: SchemaNames = field(default_factory=SchemaNames)
    auth: bool = True  # False: no auth modules, dependencies or tests, even with a user model

    @property
    def package_dir(self) -> str:
        """The package as a POSIX relative directory: `a.b` -> `a/b`."""
        return self.package.replace(".", "/")

    @property
    def resolved_models_module(self) -> str:
        """Where generated code imports the models from."""
        return self.models_module or f"{self.package}.models"
