"""Server-rendered pages in Chinese: the board, agencies, reports, filing."""
