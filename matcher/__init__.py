"""matcher: a place in the community for every child."""

__version__ = "0.1.0"
