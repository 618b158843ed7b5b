/** What refunds.spec.ts's case modules share: the seeded store, the order paid before each test, and helpers on it. */
import { ticketsOf } from "../../helpers/refunds"
import type { StoreSuite } from "../../helpers/runner"
import { waitFor } from "../../helpers/sandbox"
import { paidOrderContext } from "../../helpers/paid-order-context"

export type RefundsContext = ReturnType<typeof refundsContext>

/**
 * Built once in the spec's describeStore callback (helpers/paid-order-context: `store` and `paid` are getters; a test
 * that pays a second order sets `paid` to it).
 */
export function refundsContext(suite: StoreSuite) {
  const ctx = paidOrderContext(suite)
  const waitForTicket = (status: string, index = 0) =>
    waitFor(`ticket ${index} to be ${status}`, async () => {
      const tickets = await ticketsOf(suite.getContainer(), ctx.paid.paymentId)
      return tickets[index]?.status === status ? tickets[index] : undefined
    })
  return Object.assign(ctx, { waitForTicket })
}
