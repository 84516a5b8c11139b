"""The embedded demo web: imitated district sites on loopback, with reports and their gold.

``generator.build_demo_web()`` builds the pages; ``server.DemoWeb`` serves
them, one loopback address per site; ``python -m crawler.demo`` runs it in
the foreground.
"""
