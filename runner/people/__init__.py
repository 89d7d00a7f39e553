"""People and their posts: who may act as which pelaksana, and who recorded what.

``service.People`` is the API (``runner.People``). The refusals either store raises
are worded in ``runner.store.rules``, below both the stores and this package.
"""
