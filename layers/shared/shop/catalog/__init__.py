"""The catalog: products, categories and sellers as shoppers see them, and sellers' own
product management."""
