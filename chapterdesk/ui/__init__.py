"""The PySide6 desktop UI: presentation only; every rule lives in the services underneath."""
