"""The reviews part (民主评议党员): a branch's yearly review of its members (docs/reviews.md)."""
