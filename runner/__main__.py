"""``python -m runner`` is the ``sop`` command."""

import sys

from .cli import main

sys.exit(main())
