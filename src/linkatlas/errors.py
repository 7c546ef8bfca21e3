"""One error tree. Library code raises these; the CLI and the API translate them to messages.

::

    LinkAtlasError
    ├── InputError            a file or argument the user gave is unusable
    │   ├── SourceNotFoundError   the file does not exist or cannot be read
    │   ├── NotAWarcError         the file is not a WARC (or is empty)
    │   └── BadTargetError        a target that cannot be parsed for its mode
    ├── StoreError            the database cannot be opened or has the wrong layout
    │   └── StoreMissingError     no database at the given path
    └── UnknownTargetError    the target is not in the store
"""

from __future__ import annotations


class LinkAtlasError(Exception):
    """Base of every error LinkAtlas raises on purpose; the message says how to fix it."""


class InputError(LinkAtlasError):
    """A file or an argument given by the user cannot be used."""


class SourceNotFoundError(InputError):
    """An input file does not exist or cannot be read."""


class NotAWarcError(InputError):
    """An input file holds no WARC records."""


class BadTargetError(InputError):
    """A report target cannot be understood in the requested mode."""


class StoreError(LinkAtlasError):
    """The store cannot be opened, or its layout is not one this version knows."""


class StoreMissingError(StoreError):
    """There is no store at the given path."""


class UnknownTargetError(LinkAtlasError):
    """The target appears nowhere in the store."""
