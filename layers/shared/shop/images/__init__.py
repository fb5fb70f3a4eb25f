"""Product images: presigned uploads (API) and the thumbnailer that publishes safe variants."""
