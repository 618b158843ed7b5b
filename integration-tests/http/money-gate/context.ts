/** What money-gate.spec.ts's case modules share: the seeded store, the order paid before each test, helpers on it. */
import type { StoreSuite } from "../../helpers/runner"
import { paidOrderContext } from "../../helpers/paid-order-context"

export type MoneyGateContext = ReturnType<typeof moneyGateContext>

/** Built once in the spec's describeStore callback (helpers/paid-order-context: `store` and `paid` are getters). */
export function moneyGateContext(suite: StoreSuite) {
  const failure = async (run: () => Promise<unknown>): Promise<string> => {
    try {
      await run()
    } catch (error) {
      return (error as { message?: string }).message ?? String(error)
    }
    throw new Error("expected the call to be refused")
  }
  return Object.assign(paidOrderContext(suite), { failure })
}
