/** What ledger.spec.ts's case modules share: the seeded store, the order paid before each test, and helpers on it. */
import { settleOpenPayments } from "../../helpers/built-plugin"
import { ticketsOf } from "../../helpers/refunds"
import type { StoreSuite } from "../../helpers/runner"
import { waitFor, WEBHOOK_PATH } from "../../helpers/sandbox"
import { paidOrderContext } from "../../helpers/paid-order-context"

type AnyRecord = Record<string, any>

export type LedgerContext = ReturnType<typeof ledgerContext>

/** Built once in the spec's describeStore callback (helpers/paid-order-context: `store` and `paid` are getters). */
export function ledgerContext(suite: StoreSuite) {
  const { api, getContainer } = suite
  const module = (): AnyRecord => getContainer().resolve<any>("iamport_paymentwall")
  /** Every delivery for the payment has been handled (Medusa's hook route processes them 5 s later). */
  const deliveriesHandledOf = (impUid: string, count: number) =>
    waitFor(
      `${count} deliveries to be handled`,
      async () => {
        const rows: AnyRecord[] = await module().listWebhookEvents({ imp_uid: impUid })
        return rows.length >= count && rows.every((r) => r.processed_at) ? rows : undefined
      },
      30_000
    )
  const ctx = paidOrderContext(suite, (paid) => deliveriesHandledOf(paid.impUid, 1))
  const runJob = async () => await settleOpenPayments(getContainer())
  const ticketWhere = (what: string, match: (t: AnyRecord) => boolean) =>
    waitFor(what, async () => (await ticketsOf(getContainer(), ctx.paid.paymentId)).find(match))
  const deliveriesHandled = (count: number) => deliveriesHandledOf(ctx.paid.impUid, count)
  const forge = (body: AnyRecord) =>
    api.post(WEBHOOK_PATH, body, { headers: { "x-forwarded-for": "52.78.100.19" }, validateStatus: () => true })
  return Object.assign(ctx, { module, runJob, ticketWhere, deliveriesHandled, forge })
}
