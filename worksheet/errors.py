"""The project's error types: every message is one line a user can act on."""


class WorksheetError(Exception):
    """Base class: the command line prints the message and exits with code 2."""


class SpecError(WorksheetError):
    """The network options or a spec file are not valid."""


class NumericError(WorksheetError):
    """A value cannot be represented (overflow, infinite derivative)."""


class RenderError(WorksheetError):
    """A document could not be rendered or compiled."""


class InputFileError(WorksheetError):
    """A roster, responses or other input file is not valid."""
