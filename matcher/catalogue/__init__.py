"""The catalogue: districts, organisations, offers, mentors and the interest taxonomy."""
