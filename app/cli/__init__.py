"""The `deploylab` command line: one module per subcommand, entry point in `app.cli.main`."""
