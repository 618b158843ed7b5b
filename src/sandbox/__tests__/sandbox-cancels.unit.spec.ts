import { call, paid, receiver, restartSandbox, sandbox, useSandbox } from "./sandbox-client"

useSandbox()

describe("sandbox: cancels", () => {
  it("checks the checksum against amount - cancel_amount", async () => {
    const impUid = await paid("ck_1", 10000)
    const res = await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 1000, checksum: 9000 })
    expect(res.status).toBe(200)
    expect(res.body.code).toBe(1)
    expect(res.body.message).toContain("checksum")
    expect(sandbox.context.state.tickets.size).toBe(0)
  })

  it("opens a Paymentwall ticket: code 0, status and cancel_amount unchanged", async () => {
    const impUid = await paid("tk_1", 10000)
    const res = await call("POST", "/payments/cancel", {
      imp_uid: impUid,
      amount: 3000,
      checksum: 10000,
      reason: "r",
      enable_webhook: true,
    })
    expect(res.body.code).toBe(0)
    expect(res.body.response).toMatchObject({ status: "paid", cancel_amount: 0, cancel_history: [] })
    const [ticket] = [...sandbox.context.state.tickets.values()]
    expect(ticket).toMatchObject({ imp_uid: impUid, amount: 3000, status: "open" })
  })

  it("settles approved tickets into cancel_history with a cancellation_id each, partial cancels showing cancelled", async () => {
    const impUid = await paid("tk_2", 10000)
    await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 3000, checksum: 10000 })
    await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 2000, checksum: 10000 })
    for (const t of sandbox.context.state.tickets.values()) {
      await call("POST", `/sandbox/tickets/${t.id}/settle`, { result: "approved" })
    }
    const payment = (await call("GET", `/payments/${impUid}?include_sandbox=true`)).body.response
    expect(payment).toMatchObject({ status: "cancelled", cancel_amount: 5000, amount: 10000 })
    expect(payment.cancel_history.map((h: { amount: number }) => h.amount)).toEqual([3000, 2000])
    expect(new Set(payment.cancel_history.map((h: { cancellation_id: string }) => h.cancellation_id)).size).toBe(2)
  })

  it("leaves the payment as it was when Paymentwall rejects a ticket", async () => {
    const impUid = await paid("tk_3", 10000)
    await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 10000, checksum: 10000 })
    const [ticket] = [...sandbox.context.state.tickets.values()]
    const settled = await call("POST", `/sandbox/tickets/${ticket.id}/settle`, { result: "rejected" })
    expect(settled.body).toMatchObject({ status: "rejected", cancellation_id: null })
    expect((await call("GET", `/payments/${impUid}?include_sandbox=true`)).body.response).toMatchObject({
      status: "paid",
      cancel_amount: 0,
    })
  })

  it("refuses a cancel above what is left, and of a payment that is not paid", async () => {
    const impUid = await paid("tk_4", 1000)
    expect((await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 1001 })).body.code).toBe(1)
    expect((await call("POST", "/payments/cancel", { imp_uid: "imp_nope", amount: 1 })).body.code).toBe(1)
  })

  it("refuses every cancel of a payment whose method cannot be refunded", async () => {
    await call("POST", "/payments/prepare", { merchant_uid: "nr_1", amount: 1000, currency: "KRW" })
    const pay = await call("POST", "/sandbox/pay", { merchant_uid: "nr_1", outcome: "paid", refundable: false })
    const res = await call("POST", "/payments/cancel", { imp_uid: pay.body.imp_uid, amount: 100 })
    expect(res.body).toMatchObject({ code: 1, response: null })
    expect(res.body.message).toContain("not supported")
    expect(sandbox.context.state.tickets.size).toBe(0)
  })

  it("settles tickets by itself after the configured delay", async () => {
    await restartSandbox({ ticketSettleAfterMs: 20 })
    const impUid = await paid("auto_1", 1000)
    await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 400 })
    await new Promise((r) => setTimeout(r, 100))
    expect((await call("GET", `/payments/${impUid}?include_sandbox=true`)).body.response.cancel_amount).toBe(400)
  })

  it("cancels at once from the console, with a cancelled webhook carrying the cancellation_id", async () => {
    const hook = await receiver()
    sandbox.context.webhooks.configure({ url: hook.url })
    const impUid = await paid("console_1", 1000)
    const res = await call("POST", `/sandbox/payments/${impUid}/console-cancel`, { amount: 300 })
    expect(res.body).toMatchObject({ cancel_amount: 300, status: "cancelled" })
    await sandbox.context.webhooks.idle()
    const last = JSON.parse(hook.received[hook.received.length - 1].body)
    expect(last).toEqual({
      imp_uid: impUid,
      merchant_uid: "console_1",
      status: "cancelled",
      cancellation_id: res.body.cancel_history[0].cancellation_id,
    })
    await hook.close()
  })
})
