"""Places (towns and villages), postcodes and the village forums that serve them."""
