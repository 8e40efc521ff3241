"""Files out: atomic writes, TeX runs and PDF splitting, batches on every core, progress."""
