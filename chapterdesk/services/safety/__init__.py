"""Keeping the chapter safe: the audit trail, backups, copies between databases, handover."""
