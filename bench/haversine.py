"""Is a call to geo.distance.haversine_km per document dearer than the formula inlined?

The radius loops (search/services._near, search/candidates.distance_km) keep the haversine
inlined on the snapshot's precomputed radians and cosines; this measures what a call per
document (degrees in, radians recomputed) would cost on 20,000 points.

Run: `.venv/bin/python bench/haversine.py` (a few seconds).
"""
import random
import timeit
from array import array
from math import asin, cos, radians, sin, sqrt

from fællesskab.geo.distance import EARTH_RADIUS_KM, haversine_km

random.seed(1)
N = 20000
lat = [random.uniform(55.3, 55.6) for _ in range(N)]
lon = [random.uniform(9.2, 9.7) for _ in range(N)]
latr = array("d", map(radians, lat))
lonr = array("d", map(radians, lon))
coslat = array("d", map(cos, latr))
la, lo = 55.49, 9.47
la0, lo0 = radians(la), radians(lo)
c0 = cos(la0)
r2 = 2 * EARTH_RADIUS_KM


def inline():
    out = {}
    for d in range(N):
        a = sin((latr[d] - la0) / 2) ** 2 + c0 * coslat[d] * sin((lonr[d] - lo0) / 2) ** 2
        out[d] = r2 * asin(min(1.0, sqrt(a)))
    return out


def call():
    out = {}
    for d in range(N):
        out[d] = haversine_km(la, lo, lat[d], lon[d])
    return out


for f in (inline, call):
    print(f.__name__, min(timeit.repeat(f, number=10, repeat=5)) / 10 * 1000, "ms per 20k")
