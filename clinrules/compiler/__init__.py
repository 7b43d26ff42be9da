"""Compile `.rules` text into the JSON document every other part reads.

See docs/compiled-format.md for the document and `api.STAGES` for the order
in which names, units, types and rules are checked.
"""

from clinrules.compiler.api import STAGES, compile_file, compile_source, compile_tree, dumps

__all__ = ["STAGES", "compile_file", "compile_source", "compile_tree", "dumps"]
