import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { paymentIdForSession, paymentOfSession } from "../order-payments"

/**
 * A container whose query answers every payment it holds, whatever the filter: what Medusa's query does with a filter
 * it drops (an undefined value), and the case the plugin's own checks exist for.
 */
function containerWith(payments: Record<string, unknown>[]) {
  const asked: unknown[] = []
  const query = {
    graph: async (request: unknown) => {
      asked.push(request)
      return { data: payments }
    },
  }
  return {
    asked,
    container: {
      resolve: ((key: string) => (key === ContainerRegistrationKeys.QUERY ? query : undefined)) as never,
    },
  }
}

const other = { id: "pay_other", provider_id: "pp_x", payment_session_id: "payses_other", created_at: "2026-12-01" }

describe("the Medusa payment behind a payment session", () => {
  it("never takes another session's payment for this one's", async () => {
    const { container } = containerWith([other])
    expect(await paymentIdForSession(container, "payses_mine")).toBeNull()
    const error = await paymentOfSession(container, "payses_mine").catch((e: MedusaError) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as MedusaError).type).toBe(MedusaError.Types.NOT_FOUND)
  })

  it("asks nothing for an empty session id, which would filter nothing", async () => {
    const { container, asked } = containerWith([other])
    expect(await paymentIdForSession(container, "")).toBeNull()
    await expect(paymentOfSession(container, "")).rejects.toThrow("No payment session was given")
    expect(asked).toEqual([])
  })

  it("finds this session's latest payment among others, by both lookups", async () => {
    const mine = { id: "pay_mine", provider_id: "pp_x", payment_session_id: "payses_mine", created_at: "2026-12-02" }
    const older = { ...mine, id: "pay_older", created_at: "2026-11-30" }
    const { container } = containerWith([other, older, mine])
    expect(await paymentIdForSession(container, "payses_mine")).toBe("pay_mine")
    expect(await paymentOfSession(container, "payses_mine")).toEqual({
      id: "pay_mine",
      provider_id: "pp_x",
      order_id: null,
    })
  })
})
