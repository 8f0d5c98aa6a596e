"""Search across the parts: the kernel's seam (`SearchSource`, `SearchProvider`), the shared
matching and excerpt helpers, the merge, and the `/search` page. See docs/search.md."""
