"""From content to index: read a Grav site's pages, turn them into documents, keep the index in step."""
