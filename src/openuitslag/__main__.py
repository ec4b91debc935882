"""Allow ``python -m openuitslag`` as well as the console script."""

from openuitslag.cli import main

main()
