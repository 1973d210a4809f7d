"""The rule catalogue: one module per group (rest, pydantic, security, sqlalchemy, structure).

Modules here are imported by `crudsmith.rules.registry` on first use.
"""
