"""graph/extract."""
