import { MedusaError } from "@medusajs/framework/utils"
import { RECORD_ONLY_MAX_AGE_MS } from "../record-only"
import { runAsSettlementBooking } from "../../../lib/paymentwall/settlement-booking"
import type { PaymentwallData } from "../../../lib/paymentwall/payment-data"
import {
  calls,
  errorOf,
  newSessionId,
  NOT_IAMPORT,
  notIamport,
  paidSession,
  provider,
  sandbox,
  sandboxPost,
  started,
  useSandbox,
} from "./provider-harness"

useSandbox()

describe("a cancel ticket sent from the kept snapshot (cancelAtIamport: one i'mport call)", () => {
  const total = () => [...sandbox.context.stats.values()].reduce((a, b) => a + b, 0)
  const REASON = "Refund requested in Medusa"
  const kept = (data: PaymentwallData) => data.iamport ?? null

  it("sends the cancel with the snapshot's balance as checksum, and nothing else", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(total()).toBe(1)
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(out).toMatchObject({ kind: "accepted", history_before: [] })
  })

  it("re-reads and sends once more when i'mport refuses a stale snapshot's checksum, naming what it showed before", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    await sandboxPost("/sandbox/cancel-mode", { mode: "immediate" })
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, { amount: 2000 })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(calls("POST /payments/cancel")).toBe(2)
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
    // The console's 2000 was in i'mport's history before this request: never its answer.
    expect(out.history_before).toHaveLength(2)
    expect(out).toMatchObject({ kind: "completed", entry: { amount: 3000 } })
  })

  it("does not send again when the refusal was not about the snapshot", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "refused", times: 1, delayMs: 0 })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(out).toMatchObject({ kind: "refused", message: expect.stringContaining("PG refused") })
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
  })

  it("never sends again, and waits as unanswered, when a cancellation that may be this one is new since the snapshot", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    // As if i'mport had applied the cancel and still answered with a refusal: a new entry of exactly this amount,
    // with the request's reason (give or take spaces).
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, { amount: 3000, reason: ` ${REASON} ` })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(out).toMatchObject({
      kind: "unknown",
      message: expect.stringContaining("new cancellation of the same amount"),
    })
  })

  it("sends once more when the new cancellation of the same amount has another reason (a console refund)", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, { amount: 3000 })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(calls("POST /payments/cancel")).toBe(2)
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
    // Accepted: Paymentwall opened a ticket for it.
    expect(out).toMatchObject({ kind: "accepted" })
  })

  it("never sends again after a lost answer", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    sandbox.context.stats.clear()
    const out = await p.cancelAtIamport(impUid, { amount: 3000, reason: REASON }, kept(data))
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(calls("GET /payments/{imp_uid}")).toBe(0)
    expect(out.kind).toBe("unknown")
  })

  it("reads i'mport first when the snapshot keeps no history keys (older data)", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.stats.clear()
    await p.cancelAtIamport(impUid, { amount: 1000, reason: REASON }, { ...data.iamport!, history_keys: undefined })
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
    expect(calls("POST /payments/cancel")).toBe(1)
  })
})

describe("refundPayment in record-only mode (the plugin's settlement booking a cancellation i'mport shows)", () => {
  // A marker that passes these checks takes the settlement's ledger claim in the database: pinned in
  // integration-tests/http/money-gate/provider.cases.ts ("one booking marker books one Refund").
  it("refuses a marker whose amount is not the refund's", async () => {
    const p = provider()
    const { data } = await paidSession(p)
    const marked = {
      ...data,
      iamport_record_only: { cancellation_id: "cxl_1", amount: 2500, reason: null, set_at: new Date().toISOString() },
    }
    const error = await errorOf(p.refundPayment({ amount: 2600, data: marked, context: { idempotency_key: "ref_S" } }))
    expect(error.type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(error.message).toContain("does not match the cancellation it books")
  })

  it("refuses a marker with no set_at, as left by an interrupted booking, and cancels nothing", async () => {
    const p = provider()
    const { data } = await paidSession(p)
    const marked = { ...data, iamport_record_only: { cancellation_id: "cxl_1", amount: 2500, reason: null } }
    const error = await errorOf(p.refundPayment({ amount: 2500, data: marked, context: { idempotency_key: "ref_T" } }))
    expect(error.type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(error.message).toContain("settlement booking of i'mport cancellation cxl_1 was interrupted")
    expect(error.message).toContain('Run "Check with i\'mport now"')
    expect(calls("POST /payments/cancel")).toBe(0)
  })

  it("refuses a marker set more than ten minutes ago, so a later real refund cannot skip i'mport", async () => {
    const p = provider()
    const { data } = await paidSession(p)
    const setAt = new Date(Date.now() - RECORD_ONLY_MAX_AGE_MS - 1000).toISOString()
    const marked = {
      ...data,
      iamport_record_only: { cancellation_id: "cxl_1", amount: 2500, reason: null, set_at: setAt },
    }
    const error = await errorOf(p.refundPayment({ amount: 2500, data: marked, context: { idempotency_key: "ref_U" } }))
    expect(error.type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(error.message).toContain(`was set at ${setAt}`)
    expect(error.message).toContain("Check with i'mport now")
    expect(calls("POST /payments/cancel")).toBe(0)
  })

  it("within a settlement's booking, refuses a refund without that booking's own marker before anything reaches i'mport", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p)
    sandbox.context.stats.clear()
    const paused = { imp_uid: impUid, cancellation_id: "cxl_1", claim_owner: "booking-frozen" }
    const setAt = new Date().toISOString()
    const taker = { cancellation_id: "cxl_1", amount: 2500, reason: null, set_at: setAt, claim_owner: "booking-taker" }
    for (const [key, seen] of [
      ["ref_V", data],
      ["ref_W", { ...data, iamport_record_only: taker }],
    ] as const) {
      const refund = () => p.refundPayment({ amount: 2500, data: seen, context: { idempotency_key: key } })
      const error = await errorOf(runAsSettlementBooking(paused, refund))
      expect(error.type).toBe(MedusaError.Types.CONFLICT)
      expect(error.message).toContain(`Refund ${key} belongs to a settlement's booking of i'mport cancellation cxl_1`)
    }
    expect([...sandbox.context.stats.values()].reduce((a, b) => a + b, 0)).toBe(0)
    // A refund of another payment started within the booking, or a second refund after the booking's own (a store's
    // subscriber of its event), is not the booking's: it takes the gate's path (which needs Medusa's database, absent
    // here).
    const other = await errorOf(
      runAsSettlementBooking({ ...paused, imp_uid: "imp_other" }, () =>
        p.refundPayment({ amount: 2500, data, context: { idempotency_key: "ref_X" } })
      )
    )
    expect(other.message).toContain("__pg_connection__")
    const later = await runAsSettlementBooking(paused, async () => {
      const own = await errorOf(p.refundPayment({ amount: 2500, data, context: { idempotency_key: "ref_Y" } }))
      return [own, await errorOf(p.refundPayment({ amount: 2500, data, context: { idempotency_key: "ref_Z" } }))]
    })
    expect(later.map((e) => e.message)).toEqual([
      expect.stringContaining("belongs to a settlement's booking"),
      expect.stringContaining("__pg_connection__"),
    ])
  })

  it("refuses a store's refund that meets a live booking's marker as a conflict to retry, whatever its amount", async () => {
    const p = provider()
    const { data } = await paidSession(p)
    const setAt = new Date().toISOString()
    const marker = { cancellation_id: "cxl_1", amount: 2500, reason: null, set_at: setAt, claim_owner: "booking-1" }
    for (const amount of [2500, 2600]) {
      const refund = p.refundPayment({
        amount,
        data: { ...data, iamport_record_only: marker },
        context: { idempotency_key: `ref_${amount}` },
      })
      const error = await errorOf(refund)
      expect(error.type).toBe(MedusaError.Types.CONFLICT)
      expect(error.message).toContain("arrived while the plugin's settlement books i'mport cancellation cxl_1")
    }
    expect(calls("POST /payments/cancel")).toBe(0)
  })

  it("does not let a buyer plant a marker or an imp_uid through the session data", async () => {
    const out = await provider().initiatePayment({
      amount: 1000,
      currency_code: "krw",
      data: {
        session_id: newSessionId(),
        iamport_record_only: { cancellation_id: "x", amount: 1000 },
        imp_uid: "imp_forged",
        cancel_requests: { x: {} },
      },
    })
    // Medusa stores {...storefront data, ...provider data}: the provider's nulls win.
    expect(out.data).toMatchObject({ iamport_record_only: null, imp_uid: null, cancel_requests: null, iamport: null })
  })
})

// refundPayment and a paid payment's cancelPayment go through the money gate, which needs Medusa's database: they
// are pinned in integration-tests/http/money-gate.spec.ts, on a real app.
describe("cancelPayment", () => {
  it("does nothing at i'mport for a payment that is only ready", async () => {
    const p = provider()
    const data = await started(p)
    await sandboxPost("/sandbox/pay", { merchant_uid: data.merchant_uid, outcome: "ready" })
    await p.cancelPayment({ data })
    expect(calls("POST /payments/cancel")).toBe(0)
  })

  it("sends nothing for a payment that i'mport shows fully cancelled", async () => {
    const p = provider()
    const { data, impUid } = await paidSession(p, 7000)
    await sandboxPost(`/sandbox/payments/${impUid}/console-cancel`, {})
    const out = await p.cancelPayment({ data })
    expect(calls("POST /payments/cancel")).toBe(0)
    expect(out.data).toMatchObject({ iamport: { status: "cancelled", cancel_amount: 7000 } })
  })

  it("fails loudly, and cancels nothing, when something other than i'mport answers the lookup", async () => {
    const p = provider()
    const { data } = await paidSession(p, 7000)
    // The captured attempt is read by its imp_uid; an attempt not known yet, by its merchant_uid.
    notIamport("GET /payments/{imp_uid}")
    const error = await errorOf(p.cancelPayment({ data }))
    expect(error.message).toContain(NOT_IAMPORT)
    notIamport("GET /payments/find/{merchant_uid}")
    expect((await errorOf(p.cancelPayment({ data: { ...data, imp_uid: null } }))).message).toContain(NOT_IAMPORT)
    expect(error.message).toContain(NOT_IAMPORT)
    expect(calls("POST /payments/cancel")).toBe(0)
  })
})
