"""The doctor summary as a document: its layout (plain text blocks) and one renderer a format."""
