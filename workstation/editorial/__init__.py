"""Articles: drafting, importing and listing."""
