"""Seeds: the interest taxonomy and the demo data; shipped inside the package as ``matcher.seeds``."""
