"""Datasette templates, loaded with --template-dir (a package only so that wheels ship the .html files)."""
