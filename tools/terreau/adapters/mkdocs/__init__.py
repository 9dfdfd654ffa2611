"""The MkDocs adapter: a plugin that forwards MkDocs events to terreau.site."""
