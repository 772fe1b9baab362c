"""The Textual front end: one screen per module, styles in `.tcss` files beside them."""
