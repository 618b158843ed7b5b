/* The scale test's setup, run once per batch in a process of its own (`medusa exec ./orders.js`): guest checkouts
 * through the workflows Medusa's storefront routes run (cart, shipping method, payment collection, Paymentwall
 * session), each paid at the sandbox's widget, and either completed into a captured order ("paid") or left for a
 * notice to complete ("widgets"). It replaces one storefront request at a time; what the scenarios test (notices
 * through the hook URLs, admin refunds through the servers) still goes through HTTP.
 *
 * SCALE_ORDERS: JSON { store: { regionId, salesChannelId, variantId, shippingOptionId }, paid, widgets, out,
 * concurrency }; SCALE_SANDBOX_TOKEN: the sandbox's control token. Writes { paid: [...], widgets: [...] } to `out`. */
const fs = require("node:fs")
const { ContainerRegistrationKeys } = require("@medusajs/framework/utils")
const {
  addShippingMethodToCartWorkflow,
  completeCartWorkflow,
  createCartWorkflow,
  createPaymentCollectionForCartWorkflow,
  createPaymentSessionsWorkflow,
} = require("@medusajs/medusa/core-flows")

const PROVIDER_ID = "pp_iamport-paymentwall_paymentwall"
const ADDRESS = {
  first_name: "Jiwoo",
  last_name: "Park",
  address_1: "1 Sejong-daero",
  city: "Seoul",
  country_code: "kr",
  postal_code: "04524",
}

exports.default = async function makeOrders({ container }) {
  const plan = JSON.parse(process.env.SCALE_ORDERS ?? "null")
  const token = process.env.SCALE_SANDBOX_TOKEN
  if (!plan || !token) {
    throw new Error(
      "SCALE_ORDERS and SCALE_SANDBOX_TOKEN are not set: this script is run by integration-tests/scale/shop.ts"
    )
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { store } = plan

  /** POST /store/carts, /store/carts/:id/shipping-methods, /store/payment-collections and its payment-sessions. */
  async function checkout(n) {
    // A guest e-mail of its own per checkout: two first carts of one new e-mail at once make one fail.
    const email = `buyer-${Date.now().toString(36)}-${n}-${Math.random().toString(36).slice(2, 8)}@example.com`
    const { result: cart } = await createCartWorkflow(container).run({
      input: {
        region_id: store.regionId,
        sales_channel_id: store.salesChannelId,
        email,
        shipping_address: ADDRESS,
        items: [{ variant_id: store.variantId, quantity: 1 }],
      },
    })
    await addShippingMethodToCartWorkflow(container).run({
      input: { cart_id: cart.id, options: [{ id: store.shippingOptionId }] },
    })
    const { result: collection } = await createPaymentCollectionForCartWorkflow(container).run({
      input: { cart_id: cart.id },
    })
    const { result: session } = await createPaymentSessionsWorkflow(container).run({
      input: {
        payment_collection_id: collection.id,
        provider_id: PROVIDER_ID,
        data: { buyer_email: "buyer@example.com", buyer_name: "Jiwoo Park" },
      },
    })
    const merchantUid = session.data.merchant_uid
    const paid = await sandboxPay(merchantUid)
    return { cartId: cart.id, sessionId: session.id, merchantUid, impUid: paid.imp_uid }
  }

  /** The buyer pays in the widget: i'mport (the sandbox) records a paid payment and, with no hook URL set, tells no one. */
  async function sandboxPay(merchantUid) {
    const res = await fetch(`${process.env.IAMPORT_SANDBOX_URL}/sandbox/pay`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-sandbox-token": token },
      body: JSON.stringify({ merchant_uid: merchantUid, outcome: "paid" }),
    })
    const body = await res.json()
    if (!res.ok) {
      throw new Error(`sandbox /sandbox/pay answered ${res.status}: ${JSON.stringify(body)}`)
    }
    return body
  }

  /** POST /store/carts/:id/complete: the provider authorizes against i'mport and the payment is captured. */
  async function paidOrder(n) {
    const widget = await checkout(n)
    const { result: order } = await completeCartWorkflow(container).run({ input: { id: widget.cartId } })
    const { data } = await query.graph({
      entity: "order",
      fields: ["id", "payment_collections.payments.id", "payment_collections.payments.amount"],
      filters: { id: order.id },
    })
    const payment = data[0].payment_collections[0].payments[0]
    return {
      orderId: order.id,
      paymentId: payment.id,
      impUid: widget.impUid,
      merchantUid: widget.merchantUid,
      amount: Number(payment.amount),
    }
  }

  const started = Date.now()
  const paid = await inParallel(plan.paid, plan.concurrency, paidOrder)
  const widgets = await inParallel(plan.widgets, plan.concurrency, (n) => checkout(plan.paid + n))
  fs.writeFileSync(plan.out, JSON.stringify({ paid, widgets }))
  console.log(
    `SCALE_ORDERS ${paid.length} paid orders, ${widgets.length} carts paid at the widget in ${Date.now() - started} ms`
  )
}

/** Runs `work(0..count-1)`, `concurrency` at a time; results in index order. */
async function inParallel(count, concurrency, work) {
  const results = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++
        results[index] = await work(index)
      }
    })
  )
  return results
}
