"""DeployLab's terminal app: the Textual UI and the `deploylab` command line."""
