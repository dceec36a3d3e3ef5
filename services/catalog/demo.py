"""A deterministic demo catalog in Shopify CSV, so `make run` needs no outside data."""

from __future__ import annotations

import csv
import io
import random

_BRANDS = ["HQProp", "SkyRC", "iFlight", "BetaFPV", "Foxeer", "RunCam", "T-Motor", "Emax"]
_TYPES = {
    "Motor": ("KV", ["1750KV", "1950KV", "2450KV", "2750KV"]),
    "Propeller": ("Color", ["Black", "Red", "Blue", "Clear"]),
    "Flight Controller": (None, []),
    "Camera": ("Lens", ["1.8mm", "2.1mm"]),
    "Battery": ("Capacity", ["850mAh", "1300mAh", "1500mAh"]),
    "Frame": (None, []),
}
_HEADER = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Qty",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "SEO Title",
    "Status",
]


def demo_catalog_csv(count: int = 500, seed: int = 7) -> bytes:
    """`count` products of FPV drone parts, with variants, images and stock."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_HEADER)
    for n in range(1, count + 1):
        brand = rng.choice(_BRANDS)
        kind = rng.choice(list(_TYPES))
        option, values = _TYPES[kind]
        model = f"{rng.randint(10, 99)}{rng.choice(['', 'X', 'S', ' Pro', ' V2'])}"
        title = f"{brand} {kind} {model}".strip()
        handle = f"{title.lower().replace(' ', '-')}-{n}"
        sku = f"{kind[:3].upper()}-{n:05d}"
        base = rng.randrange(50_000, 2_000_000, 500)
        chosen = rng.sample(values, k=rng.randint(2, len(values))) if option else [None]
        for i, value in enumerate(chosen):
            first = i == 0
            writer.writerow(
                [
                    handle,
                    title if first else "",
                    f"<p>{title}. Original {brand} part for FPV drones.</p>" if first else "",
                    brand if first else "",
                    "Toys & Games > Toys > Remote Control Toys" if first else "",
                    kind if first else "",
                    f"fpv, drone, {kind.lower()}" if first else "",
                    "true" if first else "",
                    (option or "Title") if first else "",
                    value or "Default Title",
                    f"{sku}-{i + 1}" if option else sku,
                    rng.randint(5, 400),
                    rng.choice([0, 3, 10, 25, 120]),
                    f"{base + i * 5_000}.00",
                    "",
                    f"899{rng.randrange(10**9, 10**10)}",
                    f"https://cdn.example.com/img/{sku.lower()}-1.jpg" if first else "",
                    "1" if first else "",
                    "",
                    ("active" if rng.random() < 0.9 else "draft") if first else "",
                ]
            )
    return out.getvalue().encode()
