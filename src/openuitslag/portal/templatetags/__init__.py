"""Template tags and filters of the portal's pages (numbers, hashes, SVG)."""
