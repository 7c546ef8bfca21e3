"""The ``linkatlas`` command line: thin shells over the library functions."""
