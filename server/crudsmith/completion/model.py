"""The data the completion core works on and answers with (no LSP types here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from crudsmith.analysis.spec import ModelSpec
from crudsmith.completion.imports import ImportNeed
from crudsmith.generation.options import SchemaNames
from crudsmith.generation.views import AuthView, ModelView
from crudsmith.rules.model import TextEdit


@dataclass(frozen=True, slots=True)
class CompletionSettings:
    """The generation settings completions follow (from `[tool.crudsmith]` / the editor)."""

    async_mode: bool | None = None  # None: async when the models file uses AsyncAttrs/AsyncSession
    auth: bool = True
    page_default: int = 20
    page_max: int = 100
    names: SchemaNames = field(default_factory=SchemaNames)


@dataclass(frozen=True, slots=True)
class ModelsFile:
    """One workspace file that defines models, as the completion core sees it."""

    module: str  # dotted import path: "app.models"
    models: tuple[ModelSpec, ...]
    uses_async: bool = False


@dataclass(frozen=True, slots=True)
class Project:
    """What the templates see as `p` (the attributes the app templates use)."""

    package: str
    models_module: str
    async_mode: bool
    sqlmodel: bool
    auth: AuthView | None
    page_default: int
    page_max: int

    @property
    def def_(self) -> str:
        return "async def" if self.async_mode else "def"

    @property
    def await_(self) -> str:
        return "await " if self.async_mode else ""


@dataclass(frozen=True, slots=True)
class Hosts:
    """The document's `FastAPI()` and `APIRouter()` variables, in order of appearance."""

    apps: tuple[str, ...] = ()
    routers: tuple[str, ...] = ()
    router_prefixed: bool = False  # the first router declares a `prefix=`

    @property
    def app(self) -> str | None:
        return self.apps[0] if self.apps else None

    @property
    def router(self) -> str | None:
        return self.routers[0] if self.routers else None


@dataclass(frozen=True, slots=True)
class Target:
    """One model an item is rendered for, with its views and project."""

    view: ModelView
    project: Project


@dataclass(frozen=True, slots=True)
class Rendered:
    """One catalogue entry rendered for one target: snippet, plain code, imports."""

    snippet: str  # the code for the cursor, in LSP snippet syntax
    plain: str  # the same code with default values, for clients without snippets
    imports: tuple[ImportNeed, ...]
    documentation: str  # Markdown: the complete code, imports included


@dataclass(frozen=True, slots=True)
class Completion:
    """One completion item, ready for the LSP layer to translate."""

    label: str
    detail: str
    model: str | None  # the model the item is for (shown beside the label)
    sort_text: str
    filter_text: str
    rendered: Rendered
    import_edits: tuple[TextEdit, ...] | None  # None: computed on resolve (lazy_imports)
    key: str  # identifies the item for `completionItem/resolve`
    lead: str = ""  # line breaks that make two blank lines between the code above and the item

    @property
    def snippet(self) -> str:
        """The text replacing the typed prefix, in snippet syntax."""
        return self.lead + self.rendered.snippet

    @property
    def plain(self) -> str:
        """The text replacing the typed prefix, with default values."""
        return self.lead + self.rendered.plain
