"""Use cases that span several features: matching (rows joined to the pure ranking core) and a child's rights."""
