"""The Dues page's parts: table models, dialogs, the ledger view and the four tabs."""
