"""Pure domain: vocabularies, checklists, grading, disposition and scan classification. No I/O but reading
the shipped TOML resources."""
