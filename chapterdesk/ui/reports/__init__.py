"""The Reports page's parts: the catalogue of reports, their options, the PDF preview, printing."""
