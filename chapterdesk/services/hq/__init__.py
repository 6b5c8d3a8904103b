"""Headquarters' roster exports: planning an import, applying it, comparing and reconciling."""
