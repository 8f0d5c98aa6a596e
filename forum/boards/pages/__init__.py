"""The boards part's HTML pages, one module per concept; every form works without JS."""
