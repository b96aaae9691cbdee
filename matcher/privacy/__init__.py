"""Privacy of children's data: the audit log, right of access, erasure and retention."""
