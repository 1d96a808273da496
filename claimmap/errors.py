"""Errors a user can cause. Each has a one-line message and a CLI exit code.

The CLI prints ``claimmap: error: <message>`` on stderr and exits with ``exit_code``;
nothing here should ever surface as a traceback.
"""

from __future__ import annotations


class ClaimmapError(Exception):
    """Base class: a problem with the user's input or environment, not a bug."""

    exit_code = 1


class InputError(ClaimmapError):
    """The input cannot be read as an article (empty, binary, undecodable, too large…)."""

    exit_code = 2


class EmptyInputError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class InputTooLargeError(InputError):
    pass


class DecodeError(InputError):
    pass


class NoArticleTextError(InputError):
    pass


class UnsupportedLanguageError(InputError):
    exit_code = 3


class FetchError(ClaimmapError):
    """A URL could not be fetched (unreachable, refused scheme, too many redirects, HTTP error)."""

    exit_code = 4


class BlockedURLError(FetchError):
    """A URL was refused by the fetch guard (scheme or address)."""


class DataError(ClaimmapError):
    """A data file (registry, lexicon, dataset) is missing or malformed."""

    exit_code = 5
