"""Seller statistics: monthly rollups kept with each payment and refund, read per seller."""
