"""One error tree for the whole core; the CLI alone turns these into a message and an exit code."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    BAD_INPUT = 2


class SpasmlogError(Exception):
    """Base class: its message is one line that says what happened and what to do next."""

    exit_code: ExitCode = ExitCode.FAILURE


class InvalidInput(SpasmlogError):
    """A value the user gave cannot be accepted; nothing was written."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(
        self, option: str, value: object, accepted: str, message: str | None = None
    ) -> None:
        self.option = option
        self.value = value
        self.accepted = accepted
        shown = value if isinstance(value, str) else repr(value)
        prefix = f"{option}: " if option else ""
        super().__init__(message or f"{prefix}invalid value {shown!r}. {accepted}")

    @classmethod
    def missing(cls, option: str, example: str) -> "InvalidInput":
        return cls(option, "", example, message=f"Missing option {option}. {example}")


class NotFound(SpasmlogError):
    """An id or name the user gave does not exist in the diary."""

    exit_code = ExitCode.BAD_INPUT


class Conflict(SpasmlogError):
    """The request makes sense but clashes with what is stored (e.g. an existing file)."""

    exit_code = ExitCode.BAD_INPUT


class DiaryUnreadable(SpasmlogError):
    """The diary file is not a SQLite database, is damaged, or cannot be opened."""


class SchemaTooNew(SpasmlogError):
    """The diary was written by a newer spasmlog; we refuse to touch it."""


class StorageError(SpasmlogError):
    """The disk refused a write (full, read-only, folder gone); nothing partial was kept."""


class DiaryBusy(StorageError):
    """Another spasmlog held the diary's write lock for longer than this one would wait (an
    import, a restore); nothing was changed, and the same request later will work."""
