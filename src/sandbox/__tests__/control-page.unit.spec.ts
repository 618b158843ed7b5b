import axios from "axios"
import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox } from ".."
import { CALL_LOG_SIZE } from "../context"

let sandbox: RunningSandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.context.reset())

/** What every control call sends: the run's token. */
const control = (running: RunningSandbox = sandbox) => ({ headers: { [CONTROL_TOKEN_HEADER]: running.controlToken } })

const token = async () =>
  (await axios.post(`${sandbox.url}/users/getToken`, { imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" }))
    .data.response.access_token as string

describe("the sandbox's control page", () => {
  it("is served at / and drives only the control API (tickets, payments, calls)", async () => {
    const res = await fetch(`${sandbox.url}/`)
    expect(res.headers.get("content-type")).toContain("text/html")
    const html = await res.text()
    for (const path of ["/sandbox/tickets", "/sandbox/payments", "/sandbox/calls", "/settle", "/approve"]) {
      expect(html).toContain(path)
    }
    expect(html).not.toMatch(/sandbox_imp_(key|secret)/)
  })

  it("lists every payment, newest last", async () => {
    await axios.post(
      `${sandbox.url}/sandbox/pay`,
      { merchant_uid: "pw_a", outcome: "paid", ignore_prepare: true, amount: 1000, currency: "KRW" },
      control()
    )
    await axios.post(
      `${sandbox.url}/sandbox/pay`,
      { merchant_uid: "pw_b", outcome: "fraud_review", ignore_prepare: true, amount: 2000, currency: "KRW" },
      control()
    )
    const { data } = await axios.get(`${sandbox.url}/sandbox/payments`, control())
    expect(data.map((p: { merchant_uid: string; status: string }) => [p.merchant_uid, p.status])).toEqual([
      ["pw_a", "paid"],
      ["pw_b", "failed"],
    ])
  })

  it("logs each i'mport call with its HTTP status, and never the credentials or the whole token", async () => {
    const access = await token()
    await axios.get(`${sandbox.url}/payments/imp_missing`, {
      headers: { Authorization: `Bearer ${access}` },
      validateStatus: () => true,
    })
    await axios.get(`${sandbox.url}/payments/imp_missing`, { validateStatus: () => true })
    const { data: calls } = await axios.get(`${sandbox.url}/sandbox/calls`, control())
    expect(
      calls.map((c: { method: string; path: string; status: number }) => `${c.method} ${c.path} ${c.status}`)
    ).toEqual(["POST /users/getToken 200", "GET /payments/imp_missing 404", "GET /payments/imp_missing 401"])
    const text = JSON.stringify(calls)
    expect(text).not.toContain(access)
    expect(text).not.toMatch(/sandbox_imp_(key|secret)/)
    expect(calls[1].auth).toBe(`token ${access.slice(0, 4)}… (masked)`)
    expect(calls[2].auth).toBe("none")
    // Control calls are not i'mport calls.
    expect(text).not.toContain("/sandbox/")
  })

  it("keeps the last CALL_LOG_SIZE calls", async () => {
    for (let i = 0; i < CALL_LOG_SIZE + 5; i++) {
      sandbox.context.logCall({ at: i, method: "GET", path: `/payments/${i}`, status: 200, auth: "none" })
    }
    expect(sandbox.context.calls).toHaveLength(CALL_LOG_SIZE)
    expect(sandbox.context.calls[0].path).toBe("/payments/5")
  })
})

describe("the sandbox's state file", () => {
  it("keeps payments, prepared amounts and tickets across a restart", async () => {
    const fs = await import("node:fs")
    const os = await import("node:os")
    const path = await import("node:path")
    const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-state-")), "sandbox.json")
    const first = await startSandbox({ stateFile })
    const paid = (
      await axios.post(
        `${first.url}/sandbox/pay`,
        { merchant_uid: "pw_keep", outcome: "paid", ignore_prepare: true, amount: 13000, currency: "KRW" },
        control(first)
      )
    ).data
    const auth = {
      headers: {
        Authorization: `Bearer ${(await axios.post(`${first.url}/users/getToken`, { imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" })).data.response.access_token}`,
      },
    }
    await axios.post(`${first.url}/payments/cancel`, { imp_uid: paid.imp_uid, amount: 3000, reason: "kept" }, auth)
    await first.close()

    const second = await startSandbox({ stateFile })
    try {
      const { data: payments } = await axios.get(`${second.url}/sandbox/payments`, control(second))
      expect(payments.map((p: { imp_uid: string; status: string }) => [p.imp_uid, p.status])).toEqual([
        [paid.imp_uid, "paid"],
      ])
      const { data: tickets } = await axios.get(`${second.url}/sandbox/tickets`, control(second))
      expect(tickets).toMatchObject([{ imp_uid: paid.imp_uid, amount: 3000, status: "open" }])
      // The kept ticket can still be settled, and i'mport's view follows.
      await axios.post(`${second.url}/sandbox/tickets/${tickets[0].id}/settle`, { result: "approved" }, control(second))
      expect(
        (await axios.get(`${second.url}/sandbox/payments/${paid.imp_uid}`, control(second))).data.cancel_amount
      ).toBe(3000)
    } finally {
      await second.close()
    }
  })
})
