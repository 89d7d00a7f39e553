"""``python -m runner`` is the ``sop`` command."""

from .cli import main

main()
