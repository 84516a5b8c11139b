"""One-off Datasette plugins, loaded with --plugins-dir (a package only so that wheels ship it)."""
