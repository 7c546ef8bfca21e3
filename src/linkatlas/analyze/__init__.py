"""Reports: one module per question an SEO team asks, each returning a typed record."""
