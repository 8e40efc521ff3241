"""Numbers into words: the formatter, notation, context records, templates rendered, the JSON export."""
