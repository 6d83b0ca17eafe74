"""Reports and exports built from store queries."""
