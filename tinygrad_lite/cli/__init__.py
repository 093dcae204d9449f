"""The ``tinygrad-lite`` command line (also ``python -m tinygrad_lite``): the top of the imports.

:mod:`.commands` holds the subcommands (``demo``, ``train``, ``draw``,
``playground``); :mod:`.expression` the safe parser of ``draw``'s
expressions, which never runs code.
"""

from .commands import MAX_DRAWN_NODES, build_parser, main

__all__ = ["MAX_DRAWN_NODES", "build_parser", "main"]
