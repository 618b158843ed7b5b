import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { sandboxTickets, ticketsOf } from "../helpers/refunds"
import { describeStore } from "../helpers/runner"
import { PROVIDER_ID, WEBHOOK_PATH, sandboxPost, waitFor } from "../helpers/sandbox"
import { completeCart, orderWithPayments, startCheckout, type Store } from "../helpers/store"

describeStore(({ api, getContainer, sandbox, store: seeded }) => {
  let store: Store
  beforeEach(() => {
    store = seeded()
  })

  it("a customer's checkout ends in an order with a captured Paymentwall payment", async () => {
    const checkout = await startCheckout(api, store)
    expect(checkout.session.data).toMatchObject({
      imp_code: "imp12345678",
      channel_key: "channel-key-paymentwall-test",
      amount: 13000,
      currency: "KRW",
      buyer_email: "buyer@example.com",
      buyer_name: "Jiwoo Park",
    })
    // What the storefront sees holds no secret.
    expect(JSON.stringify(checkout.session)).not.toContain("sandbox_imp_secret")
    expect(JSON.stringify(checkout.session)).not.toContain("sandbox_imp_key")

    const paid = await sandboxPost(sandbox(), "/sandbox/pay", {
      merchant_uid: checkout.session.data.merchant_uid,
      outcome: "paid",
    })
    const completed = await completeCart(api, store, checkout.cartId)
    expect(completed.type).toBe("order")

    const order = await orderWithPayments(api, store, completed.order.id)
    expect(order.payment_status).toBe("captured")
    const [payment] = order.payment_collections[0].payments
    expect(payment.provider_id).toBe(PROVIDER_ID)
    expect(payment.captured_at).toBeTruthy()
    expect(Number(payment.amount)).toBe(13000)
    expect(payment.data).toMatchObject({ imp_uid: paid.imp_uid, iamport: { status: "paid", amount: 13000 } })
  })

  it("a logged-in customer pays too: no account holder is made, and saved methods are refused with the reason", async () => {
    const email = `customer-${Date.now()}@example.com`
    const registered = await api.post("/auth/customer/emailpass/register", { email, password: "customer-password" })
    const auth = { headers: { ...store.store.headers, authorization: `Bearer ${registered.data.token}` } }
    await api.post("/store/customers", { email, first_name: "Minji", last_name: "Kim" }, auth)
    const login = await api.post("/auth/customer/emailpass", { email, password: "customer-password" })
    const customer = { headers: { ...store.store.headers, authorization: `Bearer ${login.data.token}` } }

    const cart = (
      await api.post(
        "/store/carts",
        {
          region_id: store.regionId,
          sales_channel_id: store.salesChannelId,
          shipping_address: {
            first_name: "Minji",
            last_name: "Kim",
            address_1: "1 Sejong-daero",
            city: "Seoul",
            country_code: "kr",
            postal_code: "04524",
          },
          items: [{ variant_id: store.variantId, quantity: 1 }],
        },
        customer
      )
    ).data.cart
    await api.post(`/store/carts/${cart.id}/shipping-methods`, { option_id: store.shippingOptionId }, customer)
    const collection = (await api.post("/store/payment-collections", { cart_id: cart.id }, customer)).data
      .payment_collection
    // Medusa asks the provider for an account holder at a logged-in customer's checkout (createAccountHolder).
    const withSession = await api.post(
      `/store/payment-collections/${collection.id}/payment-sessions`,
      { provider_id: PROVIDER_ID },
      customer
    )
    const session = withSession.data.payment_collection.payment_sessions.find(
      (s: { provider_id: string }) => s.provider_id === PROVIDER_ID
    )
    expect(session.data).toMatchObject({ buyer_email: email, buyer_name: "Minji Kim" })
    const payments = getContainer().resolve(Modules.PAYMENT)
    const { data: holders } = await getContainer()
      .resolve(ContainerRegistrationKeys.QUERY)
      .graph({ entity: "account_holder", fields: ["id"], filters: { provider_id: PROVIDER_ID } })
    expect(holders).toHaveLength(0)

    await sandboxPost(sandbox(), "/sandbox/pay", { merchant_uid: session.data.merchant_uid, outcome: "paid" })
    const completed = await api.post(`/store/carts/${cart.id}/complete`, {}, customer)
    expect(completed.data.type).toBe("order")

    // What a storefront's saved-card code would reach: the module's calls, each refused with the reason.
    for (const call of [
      () => payments.listPaymentMethods({ provider_id: PROVIDER_ID, context: { account_holder: { data: {} } } }),
      () =>
        payments.updateAccountHolder({
          provider_id: PROVIDER_ID,
          context: { account_holder: { id: "acchld_x", data: {} } },
        } as never),
    ]) {
      await expect(call()).rejects.toThrow("Key-in and Subscription")
    }
  })

  it("a payment that completes after the cart waits, then the webhook captures it", async () => {
    const checkout = await startCheckout(api, store)
    const completed = await completeCart(api, store, checkout.cartId)
    expect(completed.type).toBe("order")
    const before = await orderWithPayments(api, store, completed.order.id)
    expect(before.payment_status).toBe("awaiting")
    expect(before.payment_collections[0].payments).toHaveLength(0)

    // Paymentwall's pingback reaches i'mport, which notifies the store.
    await sandboxPost(sandbox(), "/sandbox/pay", { merchant_uid: checkout.session.data.merchant_uid, outcome: "paid" })

    const order = await waitFor("the webhook to capture the payment", async () => {
      const o = await orderWithPayments(api, store, completed.order.id)
      return o.payment_status === "captured" ? o : undefined
    })
    expect(order.payment_collections[0].payments[0]).toMatchObject({ provider_id: PROVIDER_ID })
    expect(Number(order.payment_collections[0].payments[0].amount)).toBe(13000)
  })

  it("a payment Paymentwall approves after its fraud review completes the cart by webhook", async () => {
    const checkout = await startCheckout(api, store)
    const review = await sandboxPost(sandbox(), "/sandbox/pay", {
      merchant_uid: checkout.session.data.merchant_uid,
      outcome: "fraud_review",
    })
    const refused = await completeCart(api, store, checkout.cartId)
    expect(refused.type).not.toBe("order")
    expect(JSON.stringify(refused)).toContain("Internal error")

    await sandboxPost(sandbox(), `/sandbox/payments/${review.imp_uid}/approve`)
    const orderId = await waitFor("the late approval to place the order", async () => {
      const { data } = await getContainer()
        .resolve("query")
        .graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: checkout.cartId } })
      return data[0]?.order_id as string | undefined
    })
    const order = await waitFor("the payment to be captured", async () => {
      const o = await orderWithPayments(api, store, orderId)
      return o.payment_status === "captured" ? o : undefined
    })
    expect(order.payment_collections[0].payments[0].data.imp_uid).toBe(review.imp_uid)
  })

  it("a tampered amount is refused and nothing is captured", async () => {
    const checkout = await startCheckout(api, store)
    await sandboxPost(sandbox(), "/sandbox/pay", {
      merchant_uid: checkout.session.data.merchant_uid,
      outcome: "paid",
      amount: 130,
      ignore_prepare: true,
    })
    const completed = await completeCart(api, store, checkout.cartId)
    expect(completed.type).not.toBe("order")
    expect(JSON.stringify(completed)).toContain("amount is 130, expected 13000")

    const [collection] = await getContainer()
      .resolve(Modules.PAYMENT)
      .listPaymentCollections({ id: checkout.paymentCollectionId }, { relations: ["payments"] })
    expect(collection.payments).toHaveLength(0)
  })

  it("a payment cancelled through the provider while no order holds it opens a compensation ticket tied to no order", async () => {
    const checkout = await startCheckout(api, store)
    const paid = await sandboxPost(sandbox(), "/sandbox/pay", {
      merchant_uid: checkout.session.data.merchant_uid,
      outcome: "paid",
    })
    // The payment step of a cart's completion, then what its compensation does (cancelPayment through the provider),
    // here on a payment no order holds: the gate finds it by its session and gives the ticket no order.
    const payments = getContainer().resolve(Modules.PAYMENT)
    const payment = await payments.authorizePaymentSession(checkout.session.id, {})
    if (!payment) {
      throw new Error("the session was not authorized")
    }
    await payments.cancelPayment(payment.id)

    expect(await ticketsOf(getContainer(), payment.id)).toEqual([
      expect.objectContaining({
        origin: "compensation",
        order_id: null,
        refund_id: null,
        imp_uid: paid.imp_uid,
        amount: 13000,
        status: "waiting_for_cancellation",
      }),
    ])
    expect(await sandboxTickets(sandbox(), paid.imp_uid)).toEqual([
      expect.objectContaining({ amount: 13000, status: "open" }),
    ])
  })

  it("a spoofed webhook changes nothing", async () => {
    const checkout = await startCheckout(api, store)
    const completed = await completeCart(api, store, checkout.cartId)
    expect(completed.type).toBe("order")
    // The buyer opened the widget but has not paid: i'mport says ready.
    const ready = await sandboxPost(sandbox(), "/sandbox/pay", {
      merchant_uid: checkout.session.data.merchant_uid,
      outcome: "ready",
    })

    const forged = [
      { imp_uid: ready.imp_uid, merchant_uid: checkout.session.data.merchant_uid, status: "paid" },
      { imp_uid: "imp_123456789012", merchant_uid: checkout.session.data.merchant_uid, status: "paid" },
    ]
    for (const body of forged) {
      expect((await api.post(WEBHOOK_PATH, body)).status).toBe(200)
    }
    expect(
      (
        await api.post(WEBHOOK_PATH, new URLSearchParams(forged[0]).toString(), {
          headers: { "content-type": "application/x-www-form-urlencoded" },
        })
      ).status
    ).toBe(200)

    // Each webhook was checked against i'mport: the forged ones were looked up and found wanting.
    await waitFor("the webhooks to be verified", async () =>
      (sandbox().context.stats.get("GET /payments/{imp_uid}") ?? 0) >= 3 ? true : undefined
    )
    await new Promise((r) => setTimeout(r, 500))
    const order = await orderWithPayments(api, store, completed.order.id)
    expect(order.payment_status).toBe("awaiting")
    expect(order.payment_collections[0].payments).toHaveLength(0)
  })
})
