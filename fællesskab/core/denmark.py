"""Denmark's bounding box, generously: a point outside it is a typo or another country.

Plain constants (no imports), shared by the base layer's location cleaning and geo.
"""
DK_LAT_RANGE = (54.4, 57.9)
DK_LON_RANGE = (7.8, 15.3)
