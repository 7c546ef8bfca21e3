"""Exports: files other tools read (Google's disavow file)."""
