"""The update_listing guards: unchanged variant set, and no silently dropped title edit."""

from __future__ import annotations

import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    RemoteListing,
    RemoteVariant,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.listing_updates import check_same_variants, refuse_undocumented_edit

PRICE = Money("SGD", 100)
CURRENT = RemoteListing("1", "Mug", [RemoteVariant("A", "a", PRICE, 1)])


def _draft(title: str, *skus: str) -> ListingDraft:
    variants = [ListingVariant(s, [], PRICE, 1) for s in skus]
    return ListingDraft("A", title, "", "1", "", [], [], variants)


def test_same_variants_pass_and_a_new_sku_is_refused() -> None:
    check_same_variants(Platform.SHOPEE, CURRENT, _draft("Mug", "A"))
    with pytest.raises(AdapterError, match="changing the model set") as info:
        check_same_variants(Platform.SHOPEE, CURRENT, _draft("Mug", "A", "B"), "model")
    assert info.value.kind is FailureKind.PERMANENT and info.value.code == "unsupported"


def test_a_changed_title_is_refused_where_no_edit_endpoint_is_documented() -> None:
    tiktok = Platform.TIKTOK_SHOP
    refuse_undocumented_edit(tiktok, CURRENT, _draft("Mug", "A"), "none in §2.4")
    with pytest.raises(AdapterError, match=r"none in §2\.4; prices and stock were updated") as info:
        refuse_undocumented_edit(tiktok, CURRENT, _draft("Big mug", "A"), "none in §2.4")
    assert info.value.kind is FailureKind.PERMANENT and info.value.code == "unsupported"
    assert info.value.platform is Platform.TIKTOK_SHOP
