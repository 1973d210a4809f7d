"""Language features; each module exposes `register(server: CrudsmithServer) -> None`."""
