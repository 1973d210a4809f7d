"""The language server: a thin pygls shell over the pure core (analysis, rules, generation).

`create_server()` in `crudsmith.lsp.server` builds it; each module under
`crudsmith.lsp.features` plugs in with `register(server)`.
"""
