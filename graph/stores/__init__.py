"""Where a graph lives outside memory: files (the embedded default), Neo4j, RDF, exchange."""
