import { MathBN } from "@medusajs/framework/utils"
import { type PaymentState, paymentStateOf, plainPaymentState } from "../payment-state"

const state = (): PaymentState => ({
  id: "pay_1",
  provider_id: "pp_iamport-paymentwall_iamport-paymentwall",
  amount: 13000.5,
  currency_code: "krw",
  captured_at: new Date("2026-12-01T10:00:00.000Z"),
  canceled_at: null,
  payment_collection_id: "pay_col_1",
  data: { merchant_uid: "pw_payses_1", imp_uid: "imp_1", cancel_requests: { ref_1: { amount: 3000 } } } as never,
  captured: MathBN.convert("13000.5"),
  refunded: MathBN.convert("3000.25"),
  refund_ids: ["ref_1"],
  refunds: [{ id: "ref_1", amount: MathBN.convert("3000.25"), created_at: new Date("2026-12-02T10:00:00.123Z") }],
  order_id: "order_1",
  order_status: "pending",
})

describe("a payment state handed from one settlement step to the next", () => {
  it("survives the workflow engine's JSON round trip with every amount exact and every time as it was", () => {
    const before = state()
    const handed = JSON.parse(JSON.stringify(plainPaymentState(before)))
    const after = paymentStateOf(handed)
    expect(after.captured.toFixed()).toBe("13000.5")
    expect(after.refunded.toFixed()).toBe("3000.25")
    expect(MathBN.eq(after.refunds[0].amount, before.refunds[0].amount)).toBe(true)
    expect(after.refunds[0].created_at).toEqual(before.refunds[0].created_at)
    expect(after.captured_at).toEqual(before.captured_at)
    expect(after.canceled_at).toBeNull()
    expect({ ...after, captured: 0, refunded: 0, refunds: [] }).toEqual({
      ...before,
      captured: 0,
      refunded: 0,
      refunds: [],
    })
  })

  it("is plain data: no class instance a store could not keep", () => {
    const handed = plainPaymentState(state())
    expect(JSON.parse(JSON.stringify(handed))).toEqual(handed)
  })
})
