"""The playground: a browser page where a learner types Python, sees its graph, steps backward.

Sits at the top of the package, beside :mod:`tinygrad_lite.cli` (which
registers ``tinygrad-lite playground``). One module per job:

* :mod:`.runtime`: what the page runs inside Pyodide: the learner's code,
  ``show`` and ``show_training``, errors located by line (the tests and the
  benchmark run it in CPython);
* :mod:`.build`: the static site: the page (``assets/``), the examples
  (``examples/``), Pyodide, the layout engine and the bundled editor from
  the npm packages pinned in ``npm/``, and this package as a zip;
* :mod:`.server`: a local static server on 127.0.0.1;
* :mod:`.command`: the subcommand.

Nothing here is imported by ``import tinygrad_lite``, and this file imports
no submodule: Pyodide loads the runtime without the build and the server.
All of it is standard library only (npm is needed to build the site, never
to use it).
"""
