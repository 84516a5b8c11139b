"""`python -m crawler` is the same CLI as `nianbao`."""

from crawler.cli.main import main

main()
