"""Editor support: what a clinical editor sees while typing a `.rules` file.

The language server (`clinrules lsp`, `server.py`) and the web workbench
(`clinrules serve`, `clinrules.workbench`) show the same problems as
`clinrules check` and `clinrules lint`, because both call `checks.check_text`,
which runs the real compiler and linter; nothing here re-implements them.

`checks`, `symbols`, `incremental`, `hover`, `completion` and `actions` need
no language-server library, so the workbench uses them too; only `server`
imports pygls (the `[editor]` extra).
"""
