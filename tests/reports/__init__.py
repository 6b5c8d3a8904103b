"""Tests of the report and export infrastructure: atomic files, PDF pages, labels, sheets."""
