"""Server-rendered pages for people (issue 17)."""
