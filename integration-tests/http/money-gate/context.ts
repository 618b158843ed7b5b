/** What money-gate.spec.ts's case modules share: the seeded store, the order paid before each test, helpers on it. */
import { refundsOf } from "../../helpers/refunds"
import type { StoreSuite } from "../../helpers/runner"
import { paidOrderNoticed } from "../../helpers/webhook-delivery"
import { sandboxPost, waitFor } from "../../helpers/sandbox"
import type { paidOrder, Store } from "../../helpers/store"

type AnyRecord = Record<string, any>

export type MoneyGateContext = ReturnType<typeof moneyGateContext>

/**
 * Built once in the spec's describeStore callback, where it registers the beforeEach that pays a new order. `store`
 * and `paid` are getters: a test reads the values its own beforeEach set, not those at registration.
 */
export function moneyGateContext({ api, getContainer, sandbox, store: seeded }: StoreSuite) {
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>

  const pay = (merchantUid: string) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const cancels = () => sandbox().context.stats.get("POST /payments/cancel") ?? 0
  const bookedTotal = async () =>
    (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
  const failure = async (run: () => Promise<unknown>): Promise<string> => {
    try {
      await run()
    } catch (error) {
      return (error as { message?: string }).message ?? String(error)
    }
    throw new Error("expected the call to be refused")
  }

  beforeEach(async () => {
    store = seeded()
    // The checkout's own "paid" notice is handled before the test starts (straight to the subscribers, no 5 s wait).
    paid = await paidOrderNoticed(api, store, getContainer(), sandbox(), pay)
    await waitFor(
      "the payment webhook to be handled",
      async () =>
        (await getContainer().resolve<any>("iamport_paymentwall").listWebhookEvents({ imp_uid: paid.impUid })).some(
          (e: AnyRecord) => e.processed_at
        ) || undefined
    )
  })

  return {
    api,
    getContainer,
    sandbox,
    get store() {
      return store
    },
    get paid() {
      return paid
    },
    cancels,
    bookedTotal,
    failure,
  }
}
