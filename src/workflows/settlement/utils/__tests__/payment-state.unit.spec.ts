import { MathBN } from "@medusajs/framework/utils"
import { type PaymentState, paymentFactsOf } from "../payment-state"

const state = (): PaymentState => ({
  id: "pay_1",
  provider_id: "pp_iamport-paymentwall_iamport-paymentwall",
  amount: 13000.5,
  currency_code: "krw",
  captured_at: new Date("2026-12-01T10:00:00.000Z"),
  canceled_at: null,
  payment_collection_id: "pay_col_1",
  data: { merchant_uid: "pw_payses_1", imp_uid: "imp_1", buyer_email: "buyer@example.com" } as never,
  captured: MathBN.convert("13000.123456789012345678"),
  refunded: MathBN.convert("3000.25"),
  refund_ids: ["ref_1"],
  refunds: [{ id: "ref_1", amount: MathBN.convert("3000.25"), created_at: new Date("2026-12-02T10:00:00.123Z") }],
  order_id: "order_1",
  order_status: "pending",
})

describe("the payment facts a settlement hands from its read to the suspicion and flag steps", () => {
  it("survive the workflow engine's JSON round trip, the captured total exact to the last digit", () => {
    const facts = JSON.parse(JSON.stringify(paymentFactsOf(state())))
    expect(facts).toEqual({
      id: "pay_1",
      order_id: "order_1",
      currency_code: "krw",
      captured: "13000.123456789012345678",
    })
    expect(MathBN.eq(facts.captured, state().captured)).toBe(true)
  })

  it("carry nothing of the payment's data into the engine's checkpoints (the buyer's details stay out)", () => {
    expect(JSON.stringify(paymentFactsOf(state()))).not.toContain("buyer")
  })
})
