"""One small module per page family: card pages, and the site's own pages."""
