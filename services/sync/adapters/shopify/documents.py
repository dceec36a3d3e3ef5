"""The GraphQL documents the adapter sends, each with its requested cost.

Costs follow Shopify's calculated-cost rules (MARKETPLACES.md §5): objects 1, scalars
and enums 0, a connection 2 + first × (node 1 + its objects), a mutation 10. Page sizes
keep every query under the 1000-point single-query limit; the integration tests check
each estimate against the `requestedQueryCost` the sandbox reports.
"""

from __future__ import annotations

from dataclasses import dataclass

API_VERSION = "2026-07"
MUTATION_COST = 10

LOOKUP_BATCH = 50  # SKUs per productVariants lookup
PRODUCT_VARIANTS = 250  # variants per page of product(id)
LIST_PRODUCTS = 5  # products per list_listings page ...
LIST_VARIANTS = 100  # ... with their first 100 variants (more: product(id) pages)
ORDERS_PAGE = 10
ORDER_LINES = 25  # line items per order in a list page (more: order(id) pages)
ORDER_LINES_PAGE = 250


@dataclass(frozen=True)
class Doc:
    name: str
    text: str
    cost: int


def connection(first: int, per_node: int) -> int:
    return 2 + first * per_node


PRODUCT_SET = Doc(
    "productSet",
    """mutation productSet($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) {
    product { id variants(first: 250) { nodes { id sku inventoryItem { id } } } }
    userErrors { field message code }
  }
}""",
    MUTATION_COST,
)

VARIANTS_BULK_UPDATE = Doc(
    "productVariantsBulkUpdate",
    """mutation productVariantsBulkUpdate(
  $productId: ID!, $variants: [ProductVariantsBulkInput!]!
) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id sku price }
    userErrors { field message code }
  }
}""",
    MUTATION_COST,
)

# The key is a variable so one document serves every call (@idempotent, required since
# 2026-04); compare-and-set uses changeFromQuantity (mandatory, may be null, in 2026-07).
INVENTORY_SET = Doc(
    "inventorySetQuantities",
    """mutation inventorySetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}""",
    MUTATION_COST,
)


def lookup(count: int) -> Doc:
    """Variants by SKU with product, inventory item and the location's available
    quantity: per node 1 + product 1 + inventoryItem 1 + inventoryLevel 1 + quantities 1."""
    return Doc(
        "variantsBySku",
        """query variantsBySku($query: String!, $first: Int!, $locationId: ID!) {
  productVariants(first: $first, query: $query) {
    nodes {
      id sku price
      product { id }
      inventoryItem {
        id
        inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { quantity } }
      }
    }
  }
}""",
        connection(count, 5),
    )


PRODUCT = Doc(
    "product",
    """query product($id: ID!, $after: String) {
  product(id: $id) {
    id title status
    variants(first: 250, after: $after) {
      nodes { id sku price inventoryQuantity }
      pageInfo { hasNextPage endCursor }
    }
  }
}""",
    1 + connection(PRODUCT_VARIANTS, 1),
)

PRODUCTS = Doc(
    "products",
    """query products($after: String) {
  products(first: 5, after: $after, sortKey: ID) {
    nodes {
      id title status
      variants(first: 100) {
        nodes { id sku price inventoryQuantity }
        pageInfo { hasNextPage endCursor }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}""",
    connection(LIST_PRODUCTS, 1 + connection(LIST_VARIANTS, 1)),
)

ORDER_FIELDS = """id legacyResourceId createdAt updatedAt cancelledAt
      displayFinancialStatus displayFulfillmentStatus"""
LINE_FIELDS = "sku quantity originalUnitPriceSet { shopMoney { amount currencyCode } }"

ORDERS = Doc(
    "orders",
    f"""query orders($query: String!, $after: String) {{
  orders(first: 10, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{
      {ORDER_FIELDS}
      lineItems(first: 25) {{ nodes {{ {LINE_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}""",
    # per line: node 1 + originalUnitPriceSet 1 + shopMoney 1
    connection(ORDERS_PAGE, 1 + connection(ORDER_LINES, 3)),
)

ORDER_LINES_DOC = Doc(
    "orderLines",
    f"""query orderLines($id: ID!, $after: String) {{
  order(id: $id) {{
    id
    lineItems(first: 250, after: $after) {{
      nodes {{ {LINE_FIELDS} }}
      pageInfo {{ hasNextPage endCursor }}
    }}
  }}
}}""",
    1 + connection(ORDER_LINES_PAGE, 3),
)
