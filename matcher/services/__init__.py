"""Use cases that join the database to the pure ranking core."""
