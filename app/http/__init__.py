"""Request plumbing: middleware, conditional requests, JSON bodies, language, caches, docs."""
