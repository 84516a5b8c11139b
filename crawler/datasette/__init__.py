"""The Datasette side of nianbao: views, labels, metadata, plugins and the serve command.

`setup.install_views(db)` shapes archive.db for reading after every write run;
`metadata.build_metadata()` gives every table, view, column and canned query
its Chinese title from `crawler.schema`; `serve.run_datasette()` serves the
archive read-only with the plugins in `plugins/`.
"""
