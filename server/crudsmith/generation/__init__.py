"""Generation: specs -> code, through the Jinja2 templates in `snippets/`."""

from crudsmith.generation.project import GenerateOptions, GenerationError, generate_project

__all__ = ["GenerateOptions", "GenerationError", "generate_project"]
