"""Views: everything a user reads (CLI, dossier.json, report.html), built from the store alone."""
