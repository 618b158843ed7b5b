/** What the refund suites (ledger, money-gate, refunds) start each test from: the seeded store and a paid order. */
import { refundsOf } from "./refunds"
import type { StoreSuite } from "./runner"
import { controlHeaders, sandboxPost, waitFor } from "./sandbox"
import type { paidOrder, Store } from "./store"
import { paidOrderNoticed } from "./webhook-delivery"

type AnyRecord = Record<string, any>
export type PaidOrder = Awaited<ReturnType<typeof paidOrder>>

/**
 * Built once in a spec's describeStore callback, where it registers the beforeEach that pays a new order and waits
 * until its checkout's notice is handled (`handled`, by default: one inbox row processed). `store` and `paid` are
 * getters: a test reads the values its own beforeEach set, not those at registration; a test that pays a second
 * order sets `paid` to it. A suite adds its own helpers with Object.assign, which keeps the getters.
 */
export function paidOrderContext(
  { api, getContainer, sandbox, store: seeded }: StoreSuite,
  handled?: (paid: PaidOrder) => Promise<unknown>
) {
  let store: Store
  let paid: PaidOrder

  const pay = (merchantUid: string) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const iamport = async (): Promise<AnyRecord> =>
    (await fetch(`${sandbox().url}/sandbox/payments/${paid.impUid}`, { headers: controlHeaders(sandbox()) })).json()
  const bookedTotal = async () =>
    (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
  const cancels = () => sandbox().context.stats.get("POST /payments/cancel") ?? 0

  beforeEach(async () => {
    store = seeded()
    // The checkout's own "paid" notice is handled before the test starts (straight to the subscribers, no 5 s wait).
    paid = await paidOrderNoticed(api, store, getContainer(), sandbox(), pay)
    if (handled) {
      await handled(paid)
      return
    }
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
    set paid(order: PaidOrder) {
      paid = order
    },
    pay,
    iamport,
    bookedTotal,
    cancels,
  }
}
