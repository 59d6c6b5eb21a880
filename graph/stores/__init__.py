"""graph/stores."""
