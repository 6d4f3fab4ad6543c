"""The Textual UI: the App, its screens, dialogs and widgets, and `app.tcss`."""
