"""People and their posts: who may act as which pelaksana, and who recorded what.

``service.People`` is the API (``runner.People``); ``rules`` words the refusals
that either store raises. Nothing is imported here, so that the stores can use
``rules`` without importing the service.
"""
