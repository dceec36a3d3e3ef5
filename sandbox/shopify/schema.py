"""The subset of Shopify's GraphQL Admin API schema the sandbox serves, as SDL.

Names follow the Admin API (MARKETPLACES.md §5): productSet, productVariantsBulkUpdate,
inventorySetQuantities (with the `@idempotent` directive), product / products /
productVariants / orders connections. Only fields SyncStore reads are present; a
document asking for anything else fails validation as it would against a real schema
without that field. Every Shopify money amount is the `Money` scalar (a decimal string).
"""

from __future__ import annotations

from functools import cache

from graphql import GraphQLSchema, build_schema

SDL = """
directive @idempotent(key: String!) on FIELD

scalar DateTime
scalar Money
scalar URL

enum ProductStatus { ACTIVE ARCHIVED DRAFT }
enum ProductSortKeys { ID TITLE UPDATED_AT CREATED_AT }
enum OrderSortKeys { ID CREATED_AT UPDATED_AT PROCESSED_AT }
enum OrderDisplayFinancialStatus { PENDING AUTHORIZED PAID PARTIALLY_PAID REFUNDED VOIDED }
enum OrderDisplayFulfillmentStatus { UNFULFILLED PARTIALLY_FULFILLED FULFILLED }
enum CurrencyCode { SGD USD EUR IDR MYR THB PHP VND GBP AUD JPY }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Shop {
  id: ID!
  name: String!
  myshopifyDomain: String!
  currencyCode: CurrencyCode!
}

type Location {
  id: ID!
  name: String!
}

type InventoryQuantity {
  name: String!
  quantity: Int!
}

type InventoryLevel {
  id: ID!
  location: Location!
  quantities(names: [String!]!): [InventoryQuantity!]!
}

type InventoryItem {
  id: ID!
  sku: String
  tracked: Boolean!
  inventoryLevel(locationId: ID!): InventoryLevel
}

type SelectedOption {
  name: String!
  value: String!
}

type ProductOption {
  id: ID!
  name: String!
  position: Int!
  values: [String!]!
}

type ProductVariant {
  id: ID!
  legacyResourceId: ID!
  sku: String
  title: String!
  price: Money!
  barcode: String
  inventoryQuantity: Int
  selectedOptions: [SelectedOption!]!
  inventoryItem: InventoryItem!
  product: Product!
  updatedAt: DateTime!
}

type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection {
  edges: [ProductVariantEdge!]!
  nodes: [ProductVariant!]!
  pageInfo: PageInfo!
}

type Product {
  id: ID!
  legacyResourceId: ID!
  title: String!
  handle: String!
  status: ProductStatus!
  descriptionHtml: String!
  vendor: String!
  productType: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  options(first: Int): [ProductOption!]!
  variants(first: Int, after: String, last: Int, before: String): ProductVariantConnection!
}

type ProductEdge { cursor: String! node: Product! }
type ProductConnection {
  edges: [ProductEdge!]!
  nodes: [Product!]!
  pageInfo: PageInfo!
}

type MoneyV2 { amount: Money! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! }

type LineItem {
  id: ID!
  sku: String
  title: String!
  quantity: Int!
  variant: ProductVariant
  originalUnitPriceSet: MoneyBag!
}

type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection {
  edges: [LineItemEdge!]!
  nodes: [LineItem!]!
  pageInfo: PageInfo!
}

type Order {
  id: ID!
  legacyResourceId: ID!
  name: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  cancelledAt: DateTime
  closed: Boolean!
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  currencyCode: CurrencyCode!
  lineItems(first: Int, after: String, last: Int, before: String): LineItemConnection!
}

type OrderEdge { cursor: String! node: Order! }
type OrderConnection {
  edges: [OrderEdge!]!
  nodes: [Order!]!
  pageInfo: PageInfo!
}

type Query {
  shop: Shop!
  location(id: ID): Location
  product(id: ID!): Product
  products(
    first: Int, after: String, last: Int, before: String,
    query: String, sortKey: ProductSortKeys, reverse: Boolean
  ): ProductConnection!
  productVariant(id: ID!): ProductVariant
  productVariants(
    first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean
  ): ProductVariantConnection!
  order(id: ID!): Order
  orders(
    first: Int, after: String, last: Int, before: String,
    query: String, sortKey: OrderSortKeys, reverse: Boolean
  ): OrderConnection!
}

input OptionValueSetInput { name: String! }
input OptionSetInput { name: String! position: Int values: [OptionValueSetInput!] }
input VariantOptionValueInput { optionName: String name: String! }
input InventoryItemInput { sku: String tracked: Boolean }
input ProductSetInventoryInput { locationId: ID! name: String! quantity: Int! }

input ProductVariantSetInput {
  id: ID
  optionValues: [VariantOptionValueInput!]!
  price: Money
  compareAtPrice: Money
  barcode: String
  inventoryItem: InventoryItemInput
  inventoryQuantities: [ProductSetInventoryInput!]
}

input ProductSetInput {
  id: ID
  title: String
  handle: String
  descriptionHtml: String
  vendor: String
  productType: String
  status: ProductStatus
  productOptions: [OptionSetInput!]
  variants: [ProductVariantSetInput!]
}

input ProductVariantsBulkInput {
  id: ID
  price: Money
  compareAtPrice: Money
  barcode: String
  inventoryItem: InventoryItemInput
}

input InventoryQuantityInput {
  inventoryItemId: ID!
  locationId: ID!
  quantity: Int!
  compareQuantity: Int
  changeFromQuantity: Int
}

input InventorySetQuantitiesInput {
  name: String!
  reason: String!
  referenceDocumentUri: String
  ignoreCompareQuantity: Boolean
  quantities: [InventoryQuantityInput!]!
}

type UserError { field: [String!] message: String! }
type ProductSetUserError { field: [String!] message: String! code: String }
type ProductVariantsBulkUpdateUserError { field: [String!] message: String! code: String }
type InventorySetQuantitiesUserError { field: [String!] message: String! code: String }

type ProductSetPayload { product: Product userErrors: [ProductSetUserError!]! }
type ProductVariantsBulkUpdatePayload {
  product: Product
  productVariants: [ProductVariant!]
  userErrors: [ProductVariantsBulkUpdateUserError!]!
}
type InventoryChange { name: String! delta: Int! quantityAfterChange: Int item: InventoryItem }
type InventoryAdjustmentGroup {
  id: ID!
  createdAt: DateTime!
  reason: String!
  changes: [InventoryChange!]!
}
type InventorySetQuantitiesPayload {
  inventoryAdjustmentGroup: InventoryAdjustmentGroup
  userErrors: [InventorySetQuantitiesUserError!]!
}

type Mutation {
  productSet(input: ProductSetInput!, synchronous: Boolean): ProductSetPayload
  productVariantsBulkUpdate(
    productId: ID!, variants: [ProductVariantsBulkInput!]!, allowPartialUpdates: Boolean
  ): ProductVariantsBulkUpdatePayload
  inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
}
"""


@cache
def schema() -> GraphQLSchema:
    return build_schema(SDL)
