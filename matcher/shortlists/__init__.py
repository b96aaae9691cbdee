"""Shortlists: offers a worker keeps per child to discuss with the family, and saved searches per user."""
