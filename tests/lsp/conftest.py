"""End-to-end fixtures: the real `crudsmith lsp` over stdio, driven by pytest-lsp.

Every test using `editor` (or `client`) runs twice: with VS Code's client capabilities
(UTF-16 positions, push diagnostics, dynamic file watching) and with Neovim 0.11's (UTF-8
positions, pull diagnostics). Mark async tests with `pytestmark = pytest.mark.asyncio`.
Use the fixtures only (no `from conftest import ...`: conftest modules may clash by name):

    async def test_x(editor, tmp_path: Path) -> None:
        root = editor.example(tmp_path, "blog")          # tmp/blog/app/models.py
        await editor.initialize(root, options={"layout": "package"})
        uri = await editor.open(root / "app" / "models.py")
        diagnostics = await editor.diagnostics(uri)      # pulled or pushed, per profile
        actions = await editor.client.text_document_code_action_async(...)

`editor.client` is pytest-lsp's LanguageClient; `editor.encoding` the negotiated position
encoding ("utf-16" or "utf-8"); `editor.texts[uri]` the text the server holds.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SERVER_COMMAND = [sys.executable, "-m", "crudsmith.cli.main", "lsp"]
PROFILES = ["visual-studio-code", "neovim"]
TIMEOUT = 20.0
# The real server with failures injected into two features (no test hook in the product):
# the rule engine raises (diagnostics) and the index introspection raises.
FAULTY_SERVER_COMMAND = [
    sys.executable,
    "-c",
    "import sys\n"
    "import crudsmith.rules.engine as engine\n"
    "import crudsmith.lsp.features.introspection as introspection\n"
    "def boom(*args, **kwargs):\n"
    "    raise RuntimeError('injected failure')\n"
    "engine.check = boom\n"
    "introspection.index_state = boom\n"
    "from crudsmith.cli.main import main\n"
    "sys.exit(main(['lsp']))\n",
]
INSPECT_INDEX = "crudsmith/inspectIndex"
INSPECT_SETTINGS = "crudsmith/inspectSettings"


def make_client() -> LanguageClient:
    """pytest-lsp's test client, also recording every publishDiagnostics with its version
    (`client.published`) and accepting dynamic registrations (`client.registrations`)."""
    from pygls.protocol import default_converter

    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def publish(ls: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)  # type: ignore[attr-defined]

    def register_capability(ls: LanguageClient, params: types.RegistrationParams) -> None:
        ls.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    client.registrations = []  # type: ignore[attr-defined]
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
    params=PROFILES,
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient) -> AsyncIterator[None]:
    """A started (not yet initialized) server; `Editor.initialize` sends `initialize`."""
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=FAULTY_SERVER_COMMAND, client_factory=make_client),
    params=PROFILES,
)
async def faulty_client(
    request: pytest.FixtureRequest, lsp_client: LanguageClient
) -> AsyncIterator[None]:
    """Like `client`, with failures injected into diagnostics and `crudsmith/inspectIndex`."""
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


class Editor:
    """A thin editor simulation over the pytest-lsp client (one client profile)."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.profile: str = client.profile  # type: ignore[attr-defined]
        self.capabilities = client_capabilities(self.profile)
        self.result: types.InitializeResult | None = None
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    # ---------------------------------------------------------------- helpers

    @staticmethod
    def uri(path: Path) -> str:
        return uri(path)

    @staticmethod
    def example(tmp_path: Path, name: str, target: str = "app") -> Path:
        return copy_example(tmp_path, name, target)

    # ---------------------------------------------------------------- session

    async def initialize(
        self, root: Path | None = None, options: Any = None
    ) -> types.InitializeResult:
        folders = [types.WorkspaceFolder(uri=uri(root), name=root.name)] if root else None
        self.result = await self.client.initialize_session(
            types.InitializeParams(
                capabilities=self.capabilities,
                root_uri=uri(root) if root else None,
                workspace_folders=folders,
                initialization_options=options,
            )
        )
        return self.result

    @property
    def encoding(self) -> str:
        assert self.result is not None
        return str(self.result.capabilities.position_encoding or "utf-16")

    @property
    def pulls(self) -> bool:
        """Whether this client pulls diagnostics (Neovim 0.11) or is pushed to (VS Code 1.65)."""
        return self.capabilities.text_document is not None and (
            self.capabilities.text_document.diagnostic is not None
        )

    # ---------------------------------------------------------------- documents

    async def open(self, path: Path, text: str | None = None) -> str:
        text = path.read_text(encoding="utf-8") if text is None else text
        doc_uri = uri(path)
        self.versions[doc_uri] = 1
        self.texts[doc_uri] = text
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=doc_uri, language_id="python", version=1, text=text)
            )
        )
        return doc_uri

    def change(self, doc_uri: str, text: str) -> int:
        """Replace the whole text (a full-document change); returns the new version."""
        self.versions[doc_uri] += 1
        self.texts[doc_uri] = text
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=doc_uri, version=self.versions[doc_uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[doc_uri]

    def save(self, doc_uri: str) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=doc_uri))
        )

    # ---------------------------------------------------------------- diagnostics

    async def diagnostics(
        self, doc_uri: str, until: Callable[[list[types.Diagnostic]], bool] | None = None
    ) -> list[types.Diagnostic]:
        """The current diagnostics of `doc_uri`: pulled, or waited for until pushed.

        `until` retries (pull) or keeps waiting (push) until it holds.
        """
        deadline = time.monotonic() + TIMEOUT
        while True:
            items = await self._diagnostics_once(doc_uri)
            if items is not None and (until is None or until(items)):
                return items
            if time.monotonic() > deadline:
                raise AssertionError(f"no matching diagnostics for {doc_uri}: {items}")
            await asyncio.sleep(0.05)

    async def _diagnostics_once(self, doc_uri: str) -> list[types.Diagnostic] | None:
        if self.pulls:
            report = await self.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri=doc_uri))
            )
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
            return list(report.items)
        for params in reversed(self.client.published):  # type: ignore[attr-defined]
            if params.uri == doc_uri:
                if params.version == self.versions.get(doc_uri):
                    return list(params.diagnostics)
                return None
        return None

    # ---------------------------------------------------------------- workspace

    async def inspect_index(self) -> dict[str, Any]:
        result = await self.client.protocol.send_request_async(INSPECT_INDEX, {})
        return _plain(result)

    async def inspect_settings(self) -> dict[str, Any]:
        return _plain(await self.client.protocol.send_request_async(INSPECT_SETTINGS, {}))

    async def wait_for(self, probe: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
        """Poll `probe()` (sync or async) until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if asyncio.iscoroutine(value):
                value = await value
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.05)

    def error_messages(self) -> list[str]:
        """`window/showMessage` errors received so far."""
        return [m.message for m in self.client.messages if m.type == types.MessageType.Error]

    async def wait_indexed(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            state = await self.inspect_index()
            if state["indexingDone"]:
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"indexing did not finish: {state}")
            await asyncio.sleep(0.05)


def _plain(value: Any) -> Any:
    """pygls hands custom results back as namedtuple-like objects; make them dicts/lists."""
    if hasattr(value, "_asdict"):
        return {key: _plain(item) for key, item in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def uri(path: Path) -> str:
    return str(from_fs_path(str(path)))


def copy_example(tmp_path: Path, name: str, target: str = "app") -> Path:
    """A workspace `tmp_path/name` holding `target/models.py` copied from examples/NAME."""
    root = tmp_path / name
    package = root / target
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(EXAMPLES / name / "models.py", package / "models.py")
    return root


@pytest_asyncio.fixture
async def editor(client: LanguageClient) -> Editor:
    """An `Editor` over the `client` fixture (the fixture's value is pytest-lsp's client)."""
    return Editor(client)


@pytest_asyncio.fixture
async def faulty_editor(faulty_client: LanguageClient) -> Editor:
    return Editor(faulty_client)
