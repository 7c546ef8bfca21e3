"""``python -m linkatlas`` runs the command line."""

from linkatlas.cli.app import main

main()
