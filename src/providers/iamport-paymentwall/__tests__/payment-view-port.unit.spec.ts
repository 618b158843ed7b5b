import { paymentViewOf } from "../../../lib/paymentwall/v1/payment-view"
import { ownershipProblems } from "../verify"
import { provider, useSandbox } from "./provider-harness"
import { v1Payment as v1 } from "../../../lib/paymentwall/__tests__/v1-payment"

useSandbox()

describe("ownershipProblems: settlement's view is judged as V1's payment is", () => {
  it.each([
    ["an own test payment", v1()],
    ["another PG", v1({ pg_provider: "kcp" })],
    ["no PG at all", v1({ pg_provider: undefined })],
    ["a live payment", v1({ sandbox: false })],
    ["no sandbox flag", v1({ sandbox: undefined as never })],
    ["a foreign merchant_uid", v1({ merchant_uid: "order_42" })],
  ])("%s", (_, payment) => {
    for (const mode of ["test", "live"] as const) {
      expect(ownershipProblems(paymentViewOf(payment), mode)).toEqual(ownershipProblems(payment, mode))
    }
  })
})

describe("readPayments: the port's batch read, as settlement reads it", () => {
  it("maps each payment on its own: one with a malformed cancellation is set apart, the others are read", async () => {
    const p = provider()
    const good = v1({ imp_uid: "imp_good", cancel_amount: 1000, status: "cancelled" })
    good.cancel_history = [
      { pg_tid: null, amount: 1000, cancelled_at: 1_700_000_100, reason: "r", cancellation_id: "c_1" },
    ]
    const bad = v1({ imp_uid: "imp_bad" })
    bad.cancel_history = [{ pg_tid: null, amount: "lots" as never, cancelled_at: 1_700_000_100, reason: "r" }]
    p.lookupPayments = async () => [good, bad]
    const reads = await p.readPayments(["imp_good", "imp_bad"])
    expect(reads.payments).toEqual([paymentViewOf(good)])
    expect(reads.unreadable).toEqual([
      { id: "imp_bad", error: expect.objectContaining({ message: expect.stringContaining("lots") }) },
    ])
  })

  it.each([
    ["an amount that is not a number", { amount: "lots" as never }, "amount that is not an amount"],
    ["no cancel_amount", { cancel_amount: undefined as never }, "cancel_amount that is not an amount"],
    ["a negative cancel_amount", { cancel_amount: -500 }, "cancel_amount that is not an amount"],
  ])(
    "a payment with %s is set apart in a batch and refused alone, so nothing is planned from it",
    async (_, extra, says) => {
      const p = provider()
      const good = v1({ imp_uid: "imp_good" })
      const bad = v1({ imp_uid: "imp_bad", ...extra })
      p.lookupPayments = async () => [good, bad]
      const reads = await p.readPayments(["imp_good", "imp_bad"])
      expect(reads.payments).toEqual([paymentViewOf(good)])
      expect(reads.unreadable).toEqual([
        { id: "imp_bad", error: expect.objectContaining({ message: expect.stringContaining(says) }) },
      ])
      p.lookupPayment = async () => bad
      await expect(p.readPayment("imp_bad")).rejects.toThrow(says)
    }
  )

  it.each([10000, 10001])(
    "a payment showing %s cancelled of 10000 reads as it is (the ledger bounds bookings)",
    async (cancelled) => {
      const p = provider()
      const payment = v1({ status: "cancelled", cancel_amount: cancelled })
      p.lookupPayment = async () => payment
      expect((await p.readPayment("imp_1")).cancelled_amount).toBe(cancelled)
    }
  )

  it("readPayment is lookupPayment mapped once", async () => {
    const p = provider()
    const payment = v1({ status: "cancelled", cancel_amount: 500 })
    p.lookupPayment = async () => payment
    expect(await p.readPayment("imp_1")).toEqual(paymentViewOf(payment))
  })
})
