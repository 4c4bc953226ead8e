"""Helpers for the geo tests: DAWA-format address CSV files."""
from __future__ import annotations

import csv
import io

import pytest

# The columns of DAWA's `adresser?format=csv` export that matter here, plus a few that
# the importer must ignore (DAWA's export has many more).
DAWA_COLUMNS = [
    "id", "status", "vejkode", "vejnavn", "adresseringsvejnavn", "husnr", "etage", "dør", "supplerendebynavn",
    "postnr", "postnrnavn", "kommunekode", "kommunenavn", "etrs89koordinat_øst", "etrs89koordinat_nord",
    "wgs84koordinat_bredde", "wgs84koordinat_længde", "nøjagtighed", "adgangsadresseid", "betegnelse",
]


def dawa_row(street, number, postcode, district, lat, lon, *, town="", floor="", door="", kommune="0621", n=1):
    return {
        "id": f"0a3f50{n:02d}-0000-32b8-e044-0003ba298018", "status": "1", "vejkode": "1234", "vejnavn": street,
        "adresseringsvejnavn": street, "husnr": number, "etage": floor, "dør": door, "supplerendebynavn": town,
        "postnr": postcode, "postnrnavn": district, "kommunekode": kommune, "kommunenavn": "Kolding",
        "etrs89koordinat_øst": "", "etrs89koordinat_nord": "", "wgs84koordinat_bredde": str(lat),
        "wgs84koordinat_længde": str(lon), "nøjagtighed": "A",
        "adgangsadresseid": f"0a3f5081-{n:04d}-32b8-e044-0003ba298018",
        "betegnelse": f"{street} {number}, {postcode} {district}",
    }


def csv_bytes(rows, columns=DAWA_COLUMNS, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def write_csv(tmp_path):
    def write(rows, name="adresser.csv", **kw) -> str:
        path = tmp_path / name
        path.write_bytes(rows if isinstance(rows, bytes) else csv_bytes(rows, **kw))
        return str(path)

    return write
