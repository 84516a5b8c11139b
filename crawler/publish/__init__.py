"""The Datasette side of nianbao: metadata, canned questions, plugins and the serve command.

It only reads: the views, labels and search indexes it shows are built by
`crawler.derive.refresh_derived()` at the end of every write run;
`metadata.build_metadata()` gives every table, view, column and canned query
its Chinese title from `crawler.schema`; `serve.run_datasette()` serves the
archive read-only with the plugins in `plugins/`.
"""
