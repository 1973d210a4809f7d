"""The catalogue: every snippet completion, its label, text and tab stops.

Each entry names a template in `snippets/completions/` and says what it needs (a
model, the user model, nothing) and which of its template variables are tab stops.
`prepare` builds an entry's template context in which tab stops are sentinels
(see `snippet.sentinel`), together with the tab stops' defaults.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass

from crudsmith.completion.model import Hosts, Project
from crudsmith.completion.snippet import TabStop, sentinel
from crudsmith.generation.views import ModelView


class Needs(enum.Enum):
    NOTHING = "nothing"
    MODEL = "model"
    USER = "user"  # the user model of an auth-enabled project


@dataclass(frozen=True, slots=True)
class Setup:
    """What `prepare` gets: the target (if any), the project, the document's hosts."""

    view: ModelView | None
    project: Project
    hosts: Hosts


Prepared = tuple[dict[str, object], tuple[TabStop, ...]]


@dataclass(frozen=True, slots=True)
class Entry:
    label: str
    detail: str  # `{model}` stands for the model's name
    template: str
    needs: Needs
    prepare: Callable[[Setup], Prepared]
    needs_key: bool = False  # addresses one row: only for models with a known primary key


def _stops(**named: tuple[int, str]) -> tuple[dict[str, object], tuple[TabStop, ...]]:
    """Template variables bound to sentinels, and the tab stops with their defaults."""
    context: dict[str, object] = {name: sentinel(index) for name, (index, _) in named.items()}
    stops = tuple(TabStop(index, default) for index, default in named.values())
    return context, stops


def _host(
    context: dict[str, object],
    stops: tuple[TabStop, ...],
    names: tuple[str, ...],
    fallback: str,
    index: int,
    key: str = "host",
) -> tuple[TabStop, ...]:
    """Bind the router/app the code is declared on: a choice when the document has several."""
    if len(names) > 1:
        context[key] = sentinel(index)
        return (*stops, TabStop(index, choices=names))
    context[key] = names[0] if names else fallback
    return stops


def _endpoint_hosts(hosts: Hosts) -> tuple[str, ...]:
    return hosts.routers + hosts.apps


def _collection_path(setup: Setup) -> str:
    """`""` on a router that has a prefix, else the model's collection path."""
    assert setup.view is not None
    if setup.hosts.router and setup.hosts.router_prefixed:
        return ""
    return setup.view.prefix


def _item_path(setup: Setup) -> str:
    assert setup.view is not None
    return _collection_path(setup) + setup.view.path


def _endpoint(path: Callable[[Setup], str], summary: str) -> Callable[[Setup], Prepared]:
    def prepare(setup: Setup) -> Prepared:
        assert setup.view is not None
        context, stops = _stops(
            path=(1, path(setup)),
            summary=(2, summary.format(label=setup.view.label, plural=setup.view.label_plural)),
        )
        context.update(p=setup.project, model=setup.view)
        stops = _host(context, stops, _endpoint_hosts(setup.hosts), "router", 3)
        return context, (*stops, TabStop(0))

    return prepare


def _router(setup: Setup) -> Prepared:
    assert setup.view is not None
    view = dataclasses.replace(setup.view, prefix=sentinel(1), tag=sentinel(2))
    stops = (TabStop(1, setup.view.prefix), TabStop(2, setup.view.tag))
    return {"p": setup.project, "model": view}, stops


def _module(setup: Setup) -> Prepared:
    return {"p": setup.project, "model": setup.view}, ()


def _exception_handlers(setup: Setup) -> Prepared:
    context: dict[str, object] = {"p": setup.project}
    apps = setup.hosts.apps
    stops = _host(context, (), apps, "", 1, key="app") if apps else ()
    context.setdefault("app", None)  # no app in the document: the handlers are not installed
    return context, stops


def _health(setup: Setup) -> Prepared:
    context, stops = _stops(path=(1, "/health"))
    context.update(p=setup.project)
    hosts = setup.hosts.apps + setup.hosts.routers
    return context, _host(context, stops, hosts, "app", 2)


def _cors(setup: Setup) -> Prepared:
    context, stops = _stops(origin=(1, "http://localhost:3000"))
    return context, _host(context, stops, setup.hosts.apps, "app", 2, key="app")


def _request_logging(setup: Setup) -> Prepared:
    context, stops = _stops(logger=(1, f"{setup.project.package}.requests"))
    return context, _host(context, stops, setup.hosts.apps, "app", 2, key="app")


def _background_task(setup: Setup) -> Prepared:
    context, stops = _stops(task=(1, "send_notification"), path=(2, "/notifications"))
    return context, _host(context, stops, _endpoint_hosts(setup.hosts), "router", 3)


def _upload(setup: Setup) -> Prepared:
    context, stops = _stops(path=(1, "/uploads"), megabytes=(2, "5"), directory=(3, "uploads"))
    return context, _host(context, stops, _endpoint_hosts(setup.hosts), "router", 4)


CATALOGUE: tuple[Entry, ...] = (
    Entry(
        "crud-router",
        "CRUD router for {model}: create, list, get, update, delete",
        "completions/crud_router.py.j2",
        Needs.MODEL,
        _router,
    ),
    Entry(
        "crud-create",
        "POST endpoint: create a {model} (201, 409)",
        "completions/crud_create.py.j2",
        Needs.MODEL,
        _endpoint(_collection_path, "Create a {label}"),
    ),
    Entry(
        "crud-get",
        "GET endpoint: one {model} by key (200, 404)",
        "completions/crud_get.py.j2",
        Needs.MODEL,
        _endpoint(_item_path, "Get a {label}"),
        needs_key=True,
    ),
    Entry(
        "crud-list",
        "GET endpoint: a page of {model} rows (skip, limit, filters)",
        "completions/crud_list.py.j2",
        Needs.MODEL,
        _endpoint(_collection_path, "List {plural}"),
    ),
    Entry(
        "crud-update",
        "PATCH endpoint: change the fields sent of a {model} (404, 409)",
        "completions/crud_update.py.j2",
        Needs.MODEL,
        _endpoint(_item_path, "Update a {label}"),
        needs_key=True,
    ),
    Entry(
        "crud-delete",
        "DELETE endpoint: remove a {model} (204, 404)",
        "completions/crud_delete.py.j2",
        Needs.MODEL,
        _endpoint(_item_path, "Delete a {label}"),
        needs_key=True,
    ),
    Entry(
        "crud-schemas",
        "Pydantic v2 schemas for {model}: Base, Create, Update, Public, Page",
        "completions/crud_schemas.py.j2",
        Needs.MODEL,
        _module,
    ),
    Entry(
        "crud-auth-dependency",
        "Bearer-token auth: get_current_user, CurrentUser, require_admin ({model})",
        "completions/crud_auth_dependency.py.j2",
        Needs.USER,
        _module,
    ),
    Entry(
        "crud-exception-handlers",
        "ErrorResponse and exception handlers (422, 409, 400, 500)",
        "completions/crud_exception_handlers.py.j2",
        Needs.NOTHING,
        _exception_handlers,
    ),
    Entry(
        "fastapi-upload",
        "File upload: type and size checked while streaming (413, 415; python-multipart)",
        "completions/fastapi_upload.py.j2",
        Needs.NOTHING,
        _upload,
    ),
    Entry(
        "fastapi-background-task",
        "Endpoint that answers 202 and works after the response",
        "completions/fastapi_background_task.py.j2",
        Needs.NOTHING,
        _background_task,
    ),
    Entry(
        "fastapi-health",
        "Health check that pings the database (200, 503)",
        "completions/fastapi_health.py.j2",
        Needs.NOTHING,
        _health,
    ),
    Entry(
        "fastapi-cors",
        "CORS middleware for explicit origins",
        "completions/fastapi_cors.py.j2",
        Needs.NOTHING,
        _cors,
    ),
    Entry(
        "fastapi-request-logging",
        "Request-logging middleware: method, path, status, duration, request id",
        "completions/fastapi_request_logging.py.j2",
        Needs.NOTHING,
        _request_logging,
    ),
)

BY_LABEL = {entry.label: entry for entry in CATALOGUE}
