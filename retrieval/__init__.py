"""The store (SQLite + FAISS), embedding, search and question answering. Reads the store; never imports telegram."""
