"""Sources -> Paper records -> passages -> vectors. The only package that writes the store."""
