class EventError(Exception):
    """Something an event cannot take (full, past, cancelled); the message is for the visitor."""
