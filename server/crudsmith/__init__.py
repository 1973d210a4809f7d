"""crudsmith: FastAPI code from SQLAlchemy / SQLModel models, as a CLI and a language server."""

__version__ = "0.1.0"
