"""The course files' declared shapes: one `msgspec.Struct` per kind of table."""
