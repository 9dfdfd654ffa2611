"""Ways into the commons: new cards from a template, forms and messages turned into cards,
the contributor reference.
"""
