import type { AxiosInstance } from "axios"
import { createUserAccountWorkflow } from "@medusajs/medusa/core-flows"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { PROVIDER_ID } from "./sandbox"

type Headers = { headers: Record<string, string> }

export type Store = {
  admin: Headers
  adminUserId: string
  adminEmail: string
  store: Headers
  regionId: string
  salesChannelId: string
  variantId: string
  shippingOptionId: string
}

/** An admin who logs in through Medusa's own emailpass flow, as the dashboard does. */
export const ADMIN_PASSWORD = "integration-password"

/**
 * `roles`: RBAC role ids linked to the user before it logs in (Medusa puts them in the token at login). A store
 * with the rbac feature flag on refuses every policy-guarded route to a user without roles.
 */
export async function loginAdmin(
  api: AxiosInstance,
  container: MedusaContainer,
  roles: string[] = []
): Promise<Headers & { userId: string; email: string }> {
  const email = `admin-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`
  const password = ADMIN_PASSWORD
  const registered = await api.post("/auth/user/emailpass/register", { email, password })
  const claims = JSON.parse(Buffer.from(String(registered.data.token).split(".")[1], "base64url").toString("utf8"))
  const { result: user } = await createUserAccountWorkflow(container).run({
    input: { authIdentityId: claims.auth_identity_id, userData: { email, first_name: "Shop", last_name: "Admin" } },
  })
  if (roles.length) {
    await container
      .resolve(ContainerRegistrationKeys.LINK)
      .create(roles.map((id) => ({ [Modules.USER]: { user_id: user.id }, [Modules.RBAC]: { rbac_role_id: id } })))
  }
  const login = await api.post("/auth/user/emailpass", { email, password })
  return { headers: { authorization: `Bearer ${login.data.token}` }, userId: user.id, email }
}

/** A Korean store: region (KRW) with the Paymentwall provider, a product, shipping, and a publishable key. */
export async function seedStore(
  api: AxiosInstance,
  container: MedusaContainer,
  currency = "krw",
  unitPrice = 10000,
  adminRoles: string[] = []
): Promise<Store> {
  const admin = await loginAdmin(api, container, adminRoles)
  const country = currency === "krw" ? "kr" : "us"

  const region = (
    await api.post(
      "/admin/regions",
      {
        name: "Paymentwall region",
        currency_code: currency,
        countries: [country],
        automatic_taxes: false,
        payment_providers: [PROVIDER_ID, "pp_system_default"],
      },
      admin
    )
  ).data.region
  const salesChannel = (await api.post("/admin/sales-channels", { name: "Web" }, admin)).data.sales_channel
  const apiKey = (await api.post("/admin/api-keys", { title: "storefront", type: "publishable" }, admin)).data.api_key
  await api.post(`/admin/api-keys/${apiKey.id}/sales-channels`, { add: [salesChannel.id] }, admin)

  const shippingProfile = (await api.post("/admin/shipping-profiles", { name: "Default", type: "default" }, admin)).data
    .shipping_profile
  const product = (
    await api.post(
      "/admin/products",
      {
        title: "Hanbok",
        status: "published",
        options: [{ title: "Size", values: ["M"] }],
        variants: [
          {
            title: "M",
            sku: `HANBOK-M-${Date.now()}`,
            prices: [{ currency_code: currency, amount: unitPrice }],
            options: { Size: "M" },
            manage_inventory: false,
          },
        ],
        sales_channels: [{ id: salesChannel.id }],
        shipping_profile_id: shippingProfile.id,
      },
      admin
    )
  ).data.product

  const location = (await api.post("/admin/stock-locations", { name: "Seoul warehouse" }, admin)).data.stock_location
  await api.post(`/admin/stock-locations/${location.id}/sales-channels`, { add: [salesChannel.id] }, admin)
  await api.post(`/admin/stock-locations/${location.id}/fulfillment-providers`, { add: ["manual_manual"] }, admin)
  const sets = (
    await api.post(
      `/admin/stock-locations/${location.id}/fulfillment-sets?fields=*fulfillment_sets`,
      { name: "Shipping", type: "shipping" },
      admin
    )
  ).data.stock_location.fulfillment_sets
  const set = (
    await api.post(
      `/admin/fulfillment-sets/${sets[0].id}/service-zones`,
      { name: "Domestic", geo_zones: [{ type: "country", country_code: country }] },
      admin
    )
  ).data.fulfillment_set
  const shippingOption = (
    await api.post(
      "/admin/shipping-options",
      {
        name: "Courier",
        service_zone_id: set.service_zones[0].id,
        shipping_profile_id: shippingProfile.id,
        provider_id: "manual_manual",
        price_type: "flat",
        type: { label: "Courier", description: "Courier", code: "courier" },
        prices: [{ currency_code: currency, amount: currency === "krw" ? 3000 : 5 }],
        rules: [],
      },
      admin
    )
  ).data.shipping_option

  return {
    admin: { headers: admin.headers },
    adminUserId: admin.userId,
    adminEmail: admin.email,
    store: { headers: { "x-publishable-api-key": apiKey.token } },
    regionId: region.id,
    salesChannelId: salesChannel.id,
    variantId: product.variants[0].id,
    shippingOptionId: shippingOption.id,
  }
}

export type Checkout = {
  cartId: string
  paymentCollectionId: string
  session: { id: string; amount: number; data: Record<string, any> }
}

/** A guest's cart up to the Paymentwall payment session: what a storefront does before IMP.request_pay. */
export async function startCheckout(
  api: AxiosInstance,
  store: Store,
  quantity = 1,
  providerId = PROVIDER_ID,
  email = "buyer@example.com"
): Promise<Checkout> {
  const country = (await api.get(`/store/regions/${store.regionId}`, store.store)).data.region.countries[0].iso_2
  const cart = (
    await api.post(
      "/store/carts",
      {
        region_id: store.regionId,
        sales_channel_id: store.salesChannelId,
        email,
        shipping_address: {
          first_name: "Jiwoo",
          last_name: "Park",
          address_1: "1 Sejong-daero",
          city: "Seoul",
          country_code: country,
          postal_code: "04524",
        },
        items: [{ variant_id: store.variantId, quantity }],
      },
      store.store
    )
  ).data.cart
  await api.post(`/store/carts/${cart.id}/shipping-methods`, { option_id: store.shippingOptionId }, store.store)
  const collection = (await api.post("/store/payment-collections", { cart_id: cart.id }, store.store)).data
    .payment_collection
  const withSession = (
    await api.post(
      `/store/payment-collections/${collection.id}/payment-sessions`,
      { provider_id: providerId, data: { buyer_email: "buyer@example.com", buyer_name: "Jiwoo Park" } },
      store.store
    )
  ).data.payment_collection
  const session = withSession.payment_sessions.find((s: { provider_id: string }) => s.provider_id === providerId)
  return { cartId: cart.id, paymentCollectionId: collection.id, session }
}

export async function completeCart(api: AxiosInstance, store: Store, cartId: string): Promise<Record<string, any>> {
  const res = await api.post(`/store/carts/${cartId}/complete`, {}, { ...store.store, validateStatus: () => true })
  return { status: res.status, ...res.data }
}

export async function orderWithPayments(
  api: AxiosInstance,
  store: Store,
  orderId: string
): Promise<Record<string, any>> {
  const fields =
    "+payment_status,+summary,*payment_collections,*payment_collections.payments,*payment_collections.payments.refunds,*payment_collections.payment_sessions"
  return (await api.get(`/admin/orders/${orderId}?fields=${fields}`, store.admin)).data.order
}

/** A guest's order, paid through the sandbox and captured: what a refund starts from. */
export async function paidOrder(
  api: AxiosInstance,
  store: Store,
  pay: (merchantUid: string) => Promise<{ imp_uid: string }>
): Promise<{ orderId: string; paymentId: string; impUid: string; amount: number }> {
  const checkout = await startCheckout(api, store)
  const { imp_uid } = await pay(checkout.session.data.merchant_uid)
  const completed = await completeCart(api, store, checkout.cartId)
  if (completed.type !== "order") {
    throw new Error(`cart did not complete: ${JSON.stringify(completed)}`)
  }
  const order = await orderWithPayments(api, store, completed.order.id)
  const payment = order.payment_collections[0].payments[0]
  return { orderId: order.id, paymentId: payment.id, impUid: imp_uid, amount: Number(payment.amount) }
}
