"""The one exception family the CLI turns into a single clear line and a non-zero exit."""


class CitegraphError(Exception):
    """A problem the user can act on, with a message that names the file, record or server."""
