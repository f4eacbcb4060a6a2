"""The one error mappings/ raises: a lens, mapping or prompts file wa-scan cannot use.

mappings/ is a library beside the scanner, so it does not raise the CLI's errors; the CLI turns a
``MappingError`` into a one-line message and exit code 2, as it does for any bad input.
"""

from __future__ import annotations


class MappingError(ValueError):
    """A lens, mapping or prompts file that cannot be used; the message names the file and the entry."""

    exit_code = 2
