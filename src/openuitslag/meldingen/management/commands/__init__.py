"""Commands: ``meldingen_opschonen`` erases old contact addresses."""
