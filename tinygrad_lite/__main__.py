"""``python -m tinygrad_lite``: the same as the ``tinygrad-lite`` command."""

import sys

from .cli import main

sys.exit(main())
