import type { IamportPaymentStatus } from "../../iamport/types"
import { historyKeys, snapshotOf, snapshotOfView } from "../payment-data"
import { keyedCancellations } from "../v1/cancel-history"
import { paymentViewOf } from "../v1/payment-view"
import { v1Payment as v1 } from "./v1-payment"

const history = [
  { pg_tid: "pw_rf_1", amount: 3000, cancelled_at: 1_700_000_100, reason: "size", cancellation_id: "c_1" },
  { pg_tid: null, amount: 1500.5, cancelled_at: 1_700_000_200, reason: "console" },
]

describe("paymentViewOf: i'mport V1's payment as settlement reads it", () => {
  it.each<IamportPaymentStatus>(["ready", "paid", "cancelled", "failed"])("keeps V1's status %s as it is", (status) => {
    expect(paymentViewOf(v1({ status })).status).toBe(status)
  })

  it("maps every field from V1's own, unconverted", () => {
    expect(paymentViewOf(v1())).toEqual({
      id: "imp_1",
      merchant_uid: "pw_payses_0123456789",
      amount: 10000,
      cancelled_amount: 0,
      status: "paid",
      currency: "KRW",
      paid_at: 1_700_000_000,
      cancellations: [],
      sandbox: true,
      pg_provider: "paymentwall",
      pg_tid: "pw_tx_1",
      receipt_url: "https://receipts.invalid/1",
    })
  })

  it("maps a partly cancelled payment: V1's 'cancelled', its cancel_amount, and each entry keyed as before", () => {
    const payment = v1({ status: "cancelled", cancel_amount: 4500.5, cancel_history: history })
    const view = paymentViewOf(payment)
    expect(view).toMatchObject({ status: "cancelled", amount: 10000, cancelled_amount: 4500.5 })
    expect(view.cancellations).toEqual(keyedCancellations(history))
    expect(view.cancellations.map((e) => [e.key, e.amount, e.status, e.trigger])).toEqual([
      ["c_1", 3000, "succeeded", "unknown"],
      [expect.stringMatching(/^noid:/), 1500.5, "succeeded", "unknown"],
    ])
  })

  it("takes cancel_amount as i'mport gives it, never the sum of cancel_history", () => {
    // A history that lags behind the figure: settlement must see the figure.
    expect(paymentViewOf(v1({ cancel_amount: 9000, cancel_history: history })).cancelled_amount).toBe(9000)
  })

  it("reads absent optional fields as null, and keeps an absent cancel_history as no cancellations", () => {
    const bare = v1({ pg_provider: undefined, pg_tid: undefined, receipt_url: undefined })
    expect(paymentViewOf(bare)).toMatchObject({ pg_provider: null, pg_tid: null, receipt_url: null })
    expect(paymentViewOf({ ...bare, cancel_history: undefined as never }).cancellations).toEqual([])
  })

  it("is pure: the V1 payment is left as it was", () => {
    const payment = v1({ cancel_history: history })
    const copy = structuredClone(payment)
    paymentViewOf(payment)
    expect(payment).toEqual(copy)
  })
})

describe("snapshotOfView: the kept snapshot from the view", () => {
  it.each([
    ["a paid payment", v1()],
    ["a partly cancelled one", v1({ status: "cancelled", cancel_amount: 4500.5, cancel_history: history })],
    ["one missing optional fields", v1({ pg_provider: undefined, pg_tid: undefined, receipt_url: undefined })],
  ])("writes %s exactly as snapshotOf wrote it from V1's payment", (_, payment) => {
    const at = new Date("2026-01-01T00:00:00.000Z")
    const expected = {
      imp_uid: payment.imp_uid,
      status: payment.status,
      amount: payment.amount,
      cancel_amount: payment.cancel_amount,
      currency: payment.currency,
      sandbox: payment.sandbox,
      pg_provider: payment.pg_provider ?? null,
      pg_tid: payment.pg_tid ?? null,
      paid_at: payment.paid_at,
      receipt_url: payment.receipt_url ?? null,
      cancellation_ids: keyedCancellations(payment.cancel_history).map((entry) => entry.key),
      history_keys: historyKeys(payment),
      checked_at: at.toISOString(),
    }
    expect(snapshotOfView(paymentViewOf(payment), at)).toEqual(expected)
    expect(snapshotOf(payment, at)).toEqual(expected)
  })
})
