/** What refunds.spec.ts's case modules share: the seeded store, the order paid before each test, and helpers on it. */
import { refundsOf, ticketsOf } from "../../helpers/refunds"
import type { StoreSuite } from "../../helpers/runner"
import { paidOrderNoticed } from "../../helpers/webhook-delivery"
import { controlHeaders, sandboxPost, waitFor } from "../../helpers/sandbox"
import type { paidOrder, Store } from "../../helpers/store"

type AnyRecord = Record<string, any>

export type RefundsContext = ReturnType<typeof refundsContext>

/**
 * Built once in the spec's describeStore callback, where it registers the beforeEach that pays a new order. `store`
 * and `paid` are getters: a test reads the values its own beforeEach set, not those at registration; a test that
 * pays a second order sets `paid` to it.
 */
export function refundsContext({ api, getContainer, sandbox, store: seeded }: StoreSuite) {
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>

  const pay = (merchantUid: string) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const iamport = async (): Promise<AnyRecord> =>
    (await fetch(`${sandbox().url}/sandbox/payments/${paid.impUid}`, { headers: controlHeaders(sandbox()) })).json()
  const bookedTotal = async () =>
    (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
  const waitForTicket = (status: string, index = 0) =>
    waitFor(`ticket ${index} to be ${status}`, async () => {
      const tickets = await ticketsOf(getContainer(), paid.paymentId)
      return tickets[index]?.status === status ? tickets[index] : undefined
    })

  beforeEach(async () => {
    store = seeded()
    // The checkout's own "paid" notice is handled before the test starts (straight to the subscribers, no 5 s wait).
    paid = await paidOrderNoticed(api, store, getContainer(), sandbox(), pay)
    await waitFor(
      "the payment webhook to be handled",
      async () =>
        (await getContainer().resolve<any>("iamport_paymentwall").listWebhookEvents({ imp_uid: paid.impUid })).some(
          (e: any) => e.processed_at
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
    set paid(order: Awaited<ReturnType<typeof paidOrder>>) {
      paid = order
    },
    iamport,
    bookedTotal,
    waitForTicket,
  }
}
