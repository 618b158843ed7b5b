/** What ledger.spec.ts's case modules share: the seeded store, the order paid before each test, and helpers on it. */
import { settleOpenPayments } from "../../helpers/built-plugin"
import { refundsOf, ticketsOf } from "../../helpers/refunds"
import type { StoreSuite } from "../../helpers/runner"
import { paidOrderNoticed } from "../../helpers/webhook-delivery"
import { controlHeaders, sandboxPost, waitFor, WEBHOOK_PATH } from "../../helpers/sandbox"
import type { paidOrder, Store } from "../../helpers/store"

type AnyRecord = Record<string, any>

export type LedgerContext = ReturnType<typeof ledgerContext>

/**
 * Built once in the spec's describeStore callback, where it registers the beforeEach that pays a new order. `store`
 * and `paid` are getters: a test reads the values its own beforeEach set, not those at registration.
 */
export function ledgerContext({ api, getContainer, sandbox, store: seeded }: StoreSuite) {
  let store: Store
  let paid: Awaited<ReturnType<typeof paidOrder>>

  const module = (): AnyRecord => getContainer().resolve<any>("iamport_paymentwall")
  const pay = (merchantUid: string) =>
    sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  const iamport = async (): Promise<AnyRecord> =>
    (await fetch(`${sandbox().url}/sandbox/payments/${paid.impUid}`, { headers: controlHeaders(sandbox()) })).json()
  const bookedTotal = async () =>
    (await refundsOf(getContainer(), paid.paymentId)).reduce((sum, r) => sum + Number(r.amount), 0)
  const cancels = () => sandbox().context.stats.get("POST /payments/cancel") ?? 0
  const runJob = async () => await settleOpenPayments(getContainer())
  const ticketWhere = (what: string, match: (t: AnyRecord) => boolean) =>
    waitFor(what, async () => (await ticketsOf(getContainer(), paid.paymentId)).find(match))
  /** Every delivery for the payment has been handled (Medusa's hook route processes them 5 s later). */
  const deliveriesHandled = (count: number) =>
    waitFor(
      `${count} deliveries to be handled`,
      async () => {
        const rows: AnyRecord[] = await module().listWebhookEvents({ imp_uid: paid.impUid })
        return rows.length >= count && rows.every((r) => r.processed_at) ? rows : undefined
      },
      30_000
    )
  const forge = (body: AnyRecord) =>
    api.post(WEBHOOK_PATH, body, { headers: { "x-forwarded-for": "52.78.100.19" }, validateStatus: () => true })

  beforeEach(async () => {
    store = seeded()
    // The checkout's own "paid" notice is handled before the test starts (straight to the subscribers, no 5 s wait).
    paid = await paidOrderNoticed(api, store, getContainer(), sandbox(), pay)
    await deliveriesHandled(1)
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
    module,
    pay,
    iamport,
    bookedTotal,
    cancels,
    runJob,
    ticketWhere,
    deliveriesHandled,
    forge,
  }
}
