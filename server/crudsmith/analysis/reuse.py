"""Reusing per-class results between analyses of successive versions of one text.

The editor analyses a document again after every edit. Incremental re-parsing
(`analysis.reparse`) hands the top-level statements an edit did not touch over as the
very same node objects, which stand for the same lines at the same line numbers. A
class's results (its body reading, its own columns, its ModelSpec) are a function of:

- its node (hence its lines: a node is only ever analysed with the text it was parsed
  from, or a later version where reparse kept it, whose lines are the same);
- the module environment the readers consult: the name table (aliases, partials,
  constants, values, Flask `db` objects, declarative-base assignments), the enums,
  the `type_annotation_map`, the table name of every class and Core table, and the
  set of local class names;
- its classification (kind, lineage, table...) and its same-file ancestors' nodes and
  classification (inherited columns, `__table_args__`).

When all of these are equal to what the analysis that recorded them saw, the results
are reused as they are (they are never mutated). Nodes are compared by identity: a
fresh parse never matches, so a miss costs only the lookups. Environments compare AST
nodes by identity too (AST nodes have no `__eq__`): conservative, a re-parsed
module-level statement is a miss for every class.

Results are kept with the parse they were read from (`RECORDS` in its
`Statements.facts`), and the next analysis of the same document reads those of the
previous version (`analyze_parsed(..., previous=...)`): they live exactly as long as that
version's parse. (A process-wide weak-keyed map leaked: entries reference ancestors'
nodes and module-level values, which kept other entries' keys, hence whole old trees,
alive.) The nodes are not mutated (reparse's contract: other threads still read the
previous tree).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from crudsmith.analysis.body import ClassBody
from crudsmith.analysis.classes import ClassInfo, Kind
from crudsmith.analysis.context import Context
from crudsmith.analysis.names import NameTable
from crudsmith.analysis.parse import Statements
from crudsmith.analysis.spec import ModelSpec


@dataclass(slots=True)
class Reused:
    """What one class's analysis produced, and what it depended on.

    `own` is the module's `_OwnMembers` (typed `object` here to avoid an import cycle).
    """

    names: tuple[object, ...]  # names_key of its analysis
    environment: tuple[object, ...]  # environment_key of its analysis
    body: ClassBody | None  # None for an enum: its body is not read as a class body
    facts: tuple[object, ...]
    own: object | None
    model: ModelSpec | None


RECORDS = "analysis.reuse"  # the key of a parse's records in its Statements.facts
Records = dict[ast.ClassDef, Reused]


def records_of(statements: list[ast.stmt] | None) -> Records:
    """The records an analysis left on `statements` (none for another kind of list)."""
    if isinstance(statements, Statements):
        found = statements.facts.get(RECORDS)
        if isinstance(found, dict):
            return found
    return {}


def names_key(names: NameTable) -> tuple[object, ...]:
    """What the class readers consult in the name table (not imports, not line numbers)."""
    return (
        names.aliases,
        names.partials,
        names.constants,
        names.values,
        names.flask_dbs,
        names.local_bases,
    )


def environment_key(ctx: Context) -> tuple[object, ...]:
    """Everything outside a class that its columns, relationships and model depend on."""
    enums = tuple((e.name, e.members, e.is_str) for e in ctx.enums.values())
    return (
        names_key(ctx.names),
        enums,
        ctx.type_map,
        ctx.class_tables,
        ctx.core_tables,
        ctx.local_classes,
    )


def class_facts(info: ClassInfo) -> tuple[object, ...]:
    """The classification results a class's columns and model depend on."""
    return (
        info.kind,
        info.lineage,
        info.typed,
        info.table,
        info.root_base,
        info.root_local,
        # Ancestor nodes compare by identity: the same nodes give the same inherited members.
        tuple((a.node, a.kind, a.lineage) for a in info.ancestors()),
    )


class Recorder:
    """One analysis's lookups of earlier results, and the recording of its own."""

    __slots__ = ("_earlier", "_environment", "_names", "_same", "records")

    def __init__(self, names: NameTable, earlier: Records) -> None:
        self._earlier = earlier  # the previous version's records
        self.records: Records = {}  # this analysis's, for the next version
        self._names = names_key(names)
        self._environment: tuple[object, ...] = ()
        # id(key of an earlier analysis) -> (that key, equal to ours): each distinct key is
        # compared once. The key is held here so that its id is not reused meanwhile.
        self._same: dict[int, tuple[tuple[object, ...], bool]] = {}

    def _equal(self, earlier: tuple[object, ...], ours: tuple[object, ...]) -> bool:
        known = self._same.get(id(earlier))
        if known is None:
            known = self._same[id(earlier)] = (earlier, earlier == ours)
        return known[1]

    def body(self, node: ast.ClassDef) -> ClassBody | None:
        """The earlier reading of this class body (it depends on the node and names only)."""
        found = self._earlier.get(node)
        if found is None or found.body is None or not self._equal(found.names, self._names):
            return None
        return found.body

    def set_environment(self, ctx: Context) -> None:
        """Call once the environment is complete (enums, type map, table names)."""
        self._environment = environment_key(ctx)
        self._same.clear()  # from now on, environment keys are compared

    def previous(self, info: ClassInfo, facts: tuple[object, ...]) -> Reused | None:
        """The earlier results for this class when they still hold."""
        found = self._earlier.get(info.node)
        if found is None or found.facts != facts:
            return None
        return found if self._equal(found.environment, self._environment) else None

    def record(
        self,
        info: ClassInfo,
        facts: tuple[object, ...],
        own: object | None,
        model: ModelSpec | None,
    ) -> None:
        body = None if info.kind is Kind.ENUM else info.body
        entry = Reused(self._names, self._environment, body, facts, own, model)
        self.records[info.node] = entry
