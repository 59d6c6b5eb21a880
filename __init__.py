"""citegraph: paper listings in, a citation and relationship knowledge graph out."""
