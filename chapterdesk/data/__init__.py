"""The data layer: models, the database factory and schema migrations (no Qt here)."""
