"""Published documents: readers that import them, renderers that produce the official one."""
