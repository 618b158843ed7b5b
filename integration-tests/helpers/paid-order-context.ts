/** What the refund suites (ledger, money-gate, refunds) start each test from: the seeded store and a paid order. */
import { refundsOf } from "./refunds"
import type { StoreSuite } from "./runner"
import type { RunningSandbox } from "../../src/sandbox"
import { controlHeaders, sandboxPost, waitFor } from "./sandbox"
import type { paidOrder, Store } from "./store"
import { paidOrderNoticed } from "./webhook-delivery"

type AnyRecord = Record<string, any>
export type PaidOrder = Awaited<ReturnType<typeof paidOrder>>

/**
 * Built once in a spec's describeStore callback. Pays one order before the runner snapshots the database, and waits
 * until its checkout's notice is handled (`handled`, by default: one inbox row processed); before each test the
 * runner restores the database and this restores i'mport's side (the sandbox's payments) as they were then, so every
 * test starts from the same paid order without paying it again. `store` and `paid` are getters: a test reads the
 * values its own beforeEach set, not those at registration; a test that pays a second order sets `paid` to it. A
 * suite adds its own helpers with Object.assign, which keeps the getters.
 */
export function paidOrderContext(
  { api, getContainer, sandbox, store: seeded }: StoreSuite,
  handled?: (paid: PaidOrder) => Promise<unknown>
) {
  let store: Store
  let paid: PaidOrder
  let template: { paid: PaidOrder; iamport: string } | undefined
  // i'mport's token as the app holds it. The sandbox's reset drops it, and the app's first call in a test would then be
  // refused with 401 and sent again: two calls counted where a test means one (each test's checkout used to renew it).
  let token: RunningSandbox["context"]["token"] = null

  const pay = (merchantUid: string) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const iamport = async (): Promise<AnyRecord> =>
    (await fetch(`${sandbox().url}/sandbox/payments/${paid.impUid}`, { headers: controlHeaders(sandbox()) })).json()
  const bookedTotal = async () =>
    (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
  const cancels = () => sandbox().context.stats.get("POST /payments/cancel") ?? 0

  // After describeStore's beforeAll (the seeded store) and before the runner's first beforeEach, which snapshots the
  // database with this order in it.
  beforeAll(async () => {
    // The checkout's own "paid" notice is handled before any test starts (straight to the subscribers, no 5 s wait).
    const order = await paidOrderNoticed(api, seeded(), getContainer(), sandbox(), pay)
    if (handled) {
      await handled(order)
    } else {
      await waitFor(
        "the payment webhook to be handled",
        async () =>
          (await getContainer().resolve<any>("iamport_paymentwall").listWebhookEvents({ imp_uid: order.impUid })).some(
            (e: AnyRecord) => e.processed_at
          ) || undefined
      )
    }
    // A copy: the sandbox changes its payments in place.
    template = { paid: order, iamport: JSON.stringify(sandbox().context.state.save()) }
    token = sandbox().context.token
  })

  afterEach(() => {
    token = sandbox().context.token
  })

  // After describeStore's beforeEach, which resets the sandbox.
  beforeEach(() => {
    if (!template) {
      throw new Error("the paid order is made in beforeAll")
    }
    store = seeded()
    paid = template.paid
    sandbox().context.state.restore(JSON.parse(template.iamport))
    sandbox().context.token = token
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
