"""Geography: the offline gazetteer, address parsing and distances."""
