import { call, paid, receiver, sandbox, token, useSandbox } from "./sandbox-client"

useSandbox()

describe("sandbox: webhooks and faults", () => {
  it("sends JSON or form-encoded notifications", async () => {
    const hook = await receiver()
    sandbox.context.webhooks.configure({ url: hook.url, format: "form" })
    const impUid = await paid("wh_1")
    await sandbox.context.webhooks.idle()
    expect(hook.received).toEqual([
      { type: "application/x-www-form-urlencoded", body: `imp_uid=${impUid}&merchant_uid=wh_1&status=paid` },
    ])
    await hook.close()
  })

  it("sends duplicates at once, and holds then reverses notifications for out-of-order delivery", async () => {
    const hook = await receiver()
    sandbox.context.webhooks.configure({ url: hook.url, copies: 3 })
    await paid("dup_1")
    await sandbox.context.webhooks.idle()
    expect(hook.received).toHaveLength(3)
    hook.received.length = 0
    sandbox.context.webhooks.configure({ copies: 1, hold: true })
    const first = await paid("ord_1")
    const second = await paid("ord_2")
    expect(hook.received).toHaveLength(0)
    await call("POST", "/sandbox/webhooks/flush")
    expect(hook.received.map((r) => JSON.parse(r.body).imp_uid)).toEqual([second, first])
    await hook.close()
  })

  it("injects a 5xx before processing, and one after processing that hides the outcome", async () => {
    const impUid = await paid("fault_1", 1000)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    expect((await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 100 })).status).toBe(503)
    expect(sandbox.context.state.tickets.size).toBe(0)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "5xx_after", times: 1, delayMs: 0 })
    expect((await call("POST", "/payments/cancel", { imp_uid: impUid, amount: 100 })).status).toBe(502)
    expect(sandbox.context.state.tickets.size).toBe(1)
  })

  it("acts at once and answers late on a slow_after fault: the ticket exists while the caller still waits", async () => {
    const impUid = await paid("slow_after_1", 1000)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "slow_after", times: 1, delayMs: 300 })
    const answer = call("POST", "/payments/cancel", { imp_uid: impUid, amount: 100 })
    let answered = false
    void answer.then(() => (answered = true))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect([...sandbox.context.state.tickets.values()].filter((t) => t.imp_uid === impUid)).toHaveLength(1)
    expect(answered).toBe(false)
    expect((await answer).body).toMatchObject({ code: 0 })
  })

  it("answers a non_envelope fault with a proxy's HTML 404 page instead of i'mport's envelope", async () => {
    const impUid = await paid("proxy_1", 1000)
    const fault = await call("POST", "/sandbox/faults", {
      route: "GET /payments/{imp_uid}",
      kind: "non_envelope",
      times: 1,
    })
    expect(fault.status).toBe(200)
    const res = await fetch(`${sandbox.url}/payments/${impUid}`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(404)
    expect(res.headers.get("content-type")).toContain("text/html")
    expect(await res.text()).toContain("<h1>404 Not Found</h1>")
    expect((await call("GET", `/payments/${impUid}?include_sandbox=true`)).body).toMatchObject({
      code: 0,
      response: { imp_uid: impUid },
    })
  })

  it("answers a non_envelope fault with the status and body asked for", async () => {
    await call("POST", "/sandbox/faults", {
      route: "GET /payments/{imp_uid}",
      kind: "non_envelope",
      status: 502,
      body: "json",
      times: 1,
    })
    await call("POST", "/sandbox/faults", {
      route: "GET /payments/{imp_uid}",
      kind: "non_envelope",
      body: "empty",
      times: 1,
    })
    const json = await fetch(`${sandbox.url}/payments/imp_1`, { headers: { authorization: `Bearer ${token}` } })
    expect(json.status).toBe(502)
    expect(await json.json()).not.toHaveProperty("code")
    const empty = await fetch(`${sandbox.url}/payments/imp_1`, { headers: { authorization: `Bearer ${token}` } })
    expect(empty.status).toBe(404)
    expect(await empty.text()).toBe("")
  })

  it("refuses a non_envelope fault with a body it cannot give", async () => {
    const res = await call("POST", "/sandbox/faults", { route: "*", kind: "non_envelope", body: "xml" })
    expect(res.status).toBe(400)
    expect(sandbox.context.faults).toHaveLength(0)
  })

  it("slows an answer down by the injected delay", async () => {
    sandbox.context.faults.push({ route: "GET /payments/{imp_uid}", kind: "slow", times: 1, delayMs: 200 })
    const started = Date.now()
    await call("GET", "/payments/imp_1")
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
  })

  it("counts requests per endpoint", async () => {
    await call("GET", "/payments/imp_1")
    await call("GET", "/payments/imp_2")
    expect((await call("GET", "/sandbox/stats")).body["GET /payments/{imp_uid}"]).toBe(2)
  })
})
