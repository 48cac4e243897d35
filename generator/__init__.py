"""chronoline: an event-timeline static site generator."""

__version__ = "0.1.0"
