"""Sources: bytes in, pages out (WARC, sample web, imports)."""
