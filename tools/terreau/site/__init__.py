"""The site, whatever generator draws it: card and page views, sanitising, print and PDF,
offline archive, hosting rules."""
