"""Exceptions raised at posture-check's public entry points.

Every error a user can cause (bad file, no person, missing model) is a :class:`PostureCheckError`
with a message that says what was expected and what was found; the CLI prints it and exits 2.
"""

from __future__ import annotations


class PostureCheckError(Exception):
    """Base class for errors a user can act on."""


class InputError(PostureCheckError):
    """The input file is missing, unreadable, corrupt, empty or of the wrong kind."""


class NoPersonError(PostureCheckError):
    """No person was detected anywhere in the input."""


class ModelError(PostureCheckError):
    """The pose model could not be found, built or loaded."""


class OutputError(PostureCheckError):
    """An output path cannot be written (exists as the wrong kind, no permission, disk full)."""
