"""Django management commands of the meldingen app."""
