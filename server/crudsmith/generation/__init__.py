"""Generation: specs -> code, through the Jinja2 templates in `snippets/`."""

from crudsmith.generation.options import GenerateOptions, GenerationError, SchemaNames
from crudsmith.generation.pieces import Piece, PieceKind, paths_of
from crudsmith.generation.project import generate_project, project_pieces

__all__ = [
    "GenerateOptions",
    "GenerationError",
    "Piece",
    "PieceKind",
    "SchemaNames",
    "generate_project",
    "paths_of",
    "project_pieces",
]
