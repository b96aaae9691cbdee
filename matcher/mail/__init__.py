"""Mail: a transactional outbox, an SMTP sender and the worker's leased periodic jobs."""
