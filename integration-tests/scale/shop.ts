import fs from "node:fs"
import path from "node:path"
import axios, { type AxiosInstance } from "axios"
import { PROVIDER_ID, sandboxPost } from "../helpers/sandbox"
import { completeCart, orderWithPayments, startCheckout, type Store } from "../helpers/store"
import { ADMIN, type Cluster, type ProcessName } from "./cluster"

export type PaidPayment = { orderId: string; paymentId: string; impUid: string; merchantUid: string; amount: number }

/** An axios client for one process; errors come back as answers, so a scenario can assert on a 4xx. */
export function client(cluster: Cluster, name: ProcessName): AxiosInstance {
  const api = axios.create({ baseURL: cluster.url(name), validateStatus: () => true, timeout: 120_000 })
  // A storefront call that fails is never expected: say what the store answered before a helper trips over it.
  api.interceptors.response.use((res) => {
    if (res.status >= 400 && res.config.url?.startsWith("/store")) {
      console.warn(
        `${name} ${res.config.method?.toUpperCase()} ${res.config.url} answered ${res.status}: ${JSON.stringify(res.data).slice(0, 500)}`
      )
    }
    return res
  })
  return api
}

/** The seeded demo store, seen through the HTTP API of one server: a KRW region, a product, shipping, an admin. */
export async function openStore(cluster: Cluster, api: AxiosInstance): Promise<Store> {
  const seeded = cluster.seeded()
  const login = await api.post("/auth/user/emailpass", ADMIN)
  if (login.status !== 200) {
    throw new Error(`admin login answered ${login.status}: ${JSON.stringify(login.data)}`)
  }
  const admin = { headers: { authorization: `Bearer ${login.data.token}` } }
  const store = { headers: { "x-publishable-api-key": seeded.publishable_key } }
  const region = seeded.regions.find((r) => r.currency_code === "krw")!
  const [channel] = (await api.get("/admin/sales-channels?name=Demo%20storefront", admin)).data.sales_channels
  const option = (await api.get("/admin/shipping-options?q=CJ", admin)).data.shipping_options.find(
    (o: { name: string }) => o.name === "CJ Logistics courier"
  )
  const product = (await api.get("/store/products?handle=celadon-tea-cup&fields=*variants", store)).data.products[0]
  return {
    admin,
    adminUserId: "",
    adminEmail: ADMIN.email,
    store,
    regionId: region.id,
    salesChannelId: channel.id,
    variantId: product.variants[0].id,
    shippingOptionId: option.id,
  }
}

export type Widget = Awaited<ReturnType<typeof paidAtWidget>>

/** A checkout up to a payment paid at the sandbox's widget, not yet known to Medusa (its notice will tell it). */
export async function paidAtWidget(
  cluster: Cluster,
  api: AxiosInstance,
  store: Store
): Promise<{ cartId: string; sessionId: string; merchantUid: string; impUid: string }> {
  const checkout = await startCheckout(api, store, 1, PROVIDER_ID, buyerEmail())
  const merchantUid = checkout.session.data.merchant_uid as string
  const paid = await sandboxPost<{ imp_uid: string }>(cluster.sandbox, "/sandbox/pay", {
    merchant_uid: merchantUid,
    outcome: "paid",
  })
  return { cartId: checkout.cartId, sessionId: checkout.session.id, merchantUid, impUid: paid.imp_uid }
}

/**
 * A guest e-mail of its own per checkout: Medusa 2.21 creates a guest customer per new e-mail, and two first carts
 * of one new e-mail created at once through two servers make one of them fail ("Customer ... already exists").
 */
export function buyerEmail(): string {
  return `buyer-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`
}

/** An order the storefront completed and Medusa captured (the plugin captures at authorization). */
export async function paidOrder(cluster: Cluster, api: AxiosInstance, store: Store): Promise<PaidPayment> {
  const { cartId, merchantUid, impUid } = await paidAtWidget(cluster, api, store)
  const completed = await completeCart(api, store, cartId)
  if (completed.type !== "order") {
    throw new Error(`cart ${cartId} did not complete: ${JSON.stringify(completed).slice(0, 500)}`)
  }
  const order = await orderWithPayments(api, store, completed.order.id)
  const payment = order.payment_collections[0].payments[0]
  return { orderId: order.id, paymentId: payment.id, impUid, merchantUid, amount: Number(payment.amount) }
}

let batches = 0

/** What `checkouts` makes. */
export type Checkouts = { paid: PaidPayment[]; widgets: Widget[] }

/**
 * Setup in bulk: `paid` orders captured and `widgets` carts paid at the widget (not yet known to Medusa), made inside
 * the store with the workflows the storefront routes run (store/orders.js), split over two `medusa exec` processes
 * at once: the work is CPU-bound and one process uses one core. The scenarios' own requests (refunds, notices) still
 * go through HTTP.
 */
export async function checkouts(
  cluster: Cluster,
  store: Store,
  counts: { paid?: number; widgets?: number },
  processes = 2
): Promise<Checkouts> {
  const batch = ++batches
  const split = (total: number, part: number) =>
    Math.floor((total * (part + 1)) / processes) - Math.floor((total * part) / processes)
  const parts = await Promise.all(
    Array.from({ length: processes }, async (_, part) => {
      const label = `orders-${batch}-${part + 1}`
      const plan = {
        store: {
          regionId: store.regionId,
          salesChannelId: store.salesChannelId,
          variantId: store.variantId,
          shippingOptionId: store.shippingOptionId,
        },
        paid: split(counts.paid ?? 0, part),
        widgets: split(counts.widgets ?? 0, part),
        out: path.join(cluster.runDir, `${label}.json`),
        concurrency: 3,
      }
      await cluster.medusa(["exec", "./orders.js"], label, {
        SCALE_ORDERS: JSON.stringify(plan),
        SCALE_SANDBOX_TOKEN: cluster.sandbox.controlToken,
      })
      const made = JSON.parse(fs.readFileSync(plan.out, "utf8")) as Checkouts
      if (made.paid.length !== plan.paid || made.widgets.length !== plan.widgets) {
        throw new Error(
          `${label} made ${made.paid.length} paid orders and ${made.widgets.length} widget payments, not ${plan.paid} and ${plan.widgets}`
        )
      }
      return made
    })
  )
  return { paid: parts.flatMap((p) => p.paid), widgets: parts.flatMap((p) => p.widgets) }
}

/** The admin's Refund button: with this plugin, a cancel request sent to i'mport and a ticket that waits. */
export async function refund(api: AxiosInstance, store: Store, paymentId: string, amount: number) {
  return api.post(`/admin/payments/${paymentId}/refund`, { amount, note: "scale test" }, store.admin)
}

/** The notice i'mport sends, POSTed to a process's hook URL as i'mport's server would: JSON, unsigned. */
export async function sendNotice(cluster: Cluster, to: ProcessName, body: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(cluster.hookUrl(to), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
    await res.arrayBuffer()
    return res.status
  } catch {
    return 0
  }
}

/** Runs `work` over `items`, `concurrency` at a time, in order of start. */
export async function inParallel<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await work(items[index], index)
      }
    })
  )
  return results
}
