/* Seeds the demo store once (run by scripts/demo.js through `medusa exec`): a Korea region in KRW and a US region in
 * USD with the Paymentwall provider, three products with stock and prices in both, a courier shipping option for
 * each, a publishable key, and an admin user. Writes what the storefront and the demo need to DEMO_STORE_FILE. */
const fs = require("node:fs")
const { ContainerRegistrationKeys, Modules } = require("@medusajs/framework/utils")
const {
  createApiKeysWorkflow,
  createInventoryLevelsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createUsersWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} = require("@medusajs/medusa/core-flows")

const PROVIDER_ID = "pp_iamport-paymentwall_paymentwall"
const PRODUCTS = [
  { title: "Hanbok jacket", handle: "hanbok-jacket", krw: 89000, usd: 65 },
  { title: "Celadon tea cup", handle: "celadon-tea-cup", krw: 32000, usd: 24.5 },
  { title: "Hahoe mask print", handle: "hahoe-mask-print", krw: 15000, usd: 11.9 },
]

exports.default = async function seedDemoStore({ container }) {
  const out = process.env.DEMO_STORE_FILE
  const email = process.env.DEMO_ADMIN_EMAIL
  const password = process.env.DEMO_ADMIN_PASSWORD
  if (!out || !email || !password) {
    throw new Error("run through npm run demo: DEMO_STORE_FILE, DEMO_ADMIN_EMAIL and DEMO_ADMIN_PASSWORD are not set")
  }
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const storeModule = container.resolve(Modules.STORE)
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const auth = container.resolve(Modules.AUTH)

  const { result: users } = await createUsersWorkflow(container).run({
    input: { users: [{ email, first_name: "Demo", last_name: "Admin" }] },
  })
  const { authIdentity, error } = await auth.register("emailpass", { body: { email, password } })
  if (error) {
    throw new Error(`admin user: ${error}`)
  }
  await auth.updateAuthIdentities({ id: authIdentity.id, app_metadata: { user_id: users[0].id } })

  const {
    result: [channel],
  } = await createSalesChannelsWorkflow(container).run({ input: { salesChannelsData: [{ name: "Demo storefront" }] } })
  const [store] = await storeModule.listStores()
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        name: "Paymentwall demo store",
        supported_currencies: [{ currency_code: "krw", is_default: true }, { currency_code: "usd" }],
        default_sales_channel_id: channel.id,
      },
    },
  })

  const { result: regions } = await createRegionsWorkflow(container).run({
    input: {
      regions: [
        {
          name: "Korea",
          currency_code: "krw",
          countries: ["kr"],
          payment_providers: [PROVIDER_ID, "pp_system_default"],
          automatic_taxes: false,
        },
        {
          name: "United States",
          currency_code: "usd",
          countries: ["us"],
          payment_providers: [PROVIDER_ID, "pp_system_default"],
          automatic_taxes: false,
        },
      ],
    },
  })

  const existingProfiles = await fulfillment.listShippingProfiles({ type: "default" })
  const profile =
    existingProfiles[0] ??
    (await createShippingProfilesWorkflow(container).run({ input: { data: [{ name: "Default", type: "default" }] } }))
      .result[0]

  const {
    result: [location],
  } = await createStockLocationsWorkflow(container).run({
    input: {
      locations: [
        { name: "Seoul warehouse", address: { city: "Seoul", country_code: "KR", address_1: "1 Sejong-daero" } },
      ],
    },
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })
  const set = await fulfillment.createFulfillmentSets({
    name: "Seoul warehouse shipping",
    type: "shipping",
    service_zones: [
      { name: "Korea", geo_zones: [{ country_code: "kr", type: "country" }] },
      { name: "United States", geo_zones: [{ country_code: "us", type: "country" }] },
    ],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: set.id },
  })
  await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: location.id, add: [channel.id] } })

  const courier = (zone, label, prices) => ({
    name: label,
    price_type: "flat",
    provider_id: "manual_manual",
    service_zone_id: zone.id,
    shipping_profile_id: profile.id,
    type: { label, description: "Delivered in 2-3 days", code: "courier" },
    prices,
    rules: [
      { attribute: "enabled_in_store", value: "true", operator: "eq" },
      { attribute: "is_return", value: "false", operator: "eq" },
    ],
  })
  const zone = (name) => set.service_zones.find((z) => z.name === name)
  await createShippingOptionsWorkflow(container).run({
    input: [
      courier(zone("Korea"), "CJ Logistics courier", [{ currency_code: "krw", amount: 3000 }]),
      courier(zone("United States"), "International courier", [{ currency_code: "usd", amount: 8 }]),
    ],
  })

  const { result: products } = await createProductsWorkflow(container).run({
    input: {
      products: PRODUCTS.map((p) => ({
        title: p.title,
        handle: p.handle,
        status: "published",
        shipping_profile_id: profile.id,
        options: [{ title: "Edition", values: ["Standard"] }],
        variants: [
          {
            title: "Standard",
            sku: p.handle.toUpperCase(),
            manage_inventory: true,
            options: { Edition: "Standard" },
            prices: [
              { currency_code: "krw", amount: p.krw },
              { currency_code: "usd", amount: p.usd },
            ],
          },
        ],
        sales_channels: [{ id: channel.id }],
      })),
    },
  })
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: items } = await query.graph({ entity: "inventory_item", fields: ["id"] })
  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: items.map((item) => ({
        inventory_item_id: item.id,
        location_id: location.id,
        stocked_quantity: Number(process.env.DEMO_STOCK ?? 100),
      })),
    },
  })

  const {
    result: [key],
  } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "Demo storefront", type: "publishable", created_by: "" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: key.id, add: [channel.id] } })

  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        publishable_key: key.token,
        regions: regions.map((r) => ({ id: r.id, name: r.name, currency_code: r.currency_code })),
        products: products.length,
      },
      null,
      2
    )
  )
  container
    .resolve(ContainerRegistrationKeys.LOGGER)
    .info(`demo store seeded: ${regions.length} regions, ${products.length} products`)
}
