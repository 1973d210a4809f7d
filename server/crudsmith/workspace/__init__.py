"""The workspace: every Python file's analysis, so one file's features know the others' models."""
