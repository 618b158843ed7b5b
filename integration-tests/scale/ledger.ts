import type { AxiosInstance } from "axios"
import type { CancellationEntry } from "../../src/lib/paymentwall/cancellation"
import type { IamportCancelHistory } from "../../src/lib/iamport/types"
import { checkObservation } from "../fuzz/invariants"
import type { PaymentRef, TicketRow } from "../fuzz/model"
import type { LedgerRow, Observation } from "../fuzz/observation"
import { builtPluginModule } from "../helpers/webhook-delivery"
import type { Store } from "../helpers/store"
import type { Cluster } from "./cluster"
import { inParallel, type PaidPayment } from "./shop"

const { keyedCancellations } = builtPluginModule<{
  keyedCancellations: (h: IamportCancelHistory[]) => CancellationEntry[]
}>("lib/paymentwall/v1/cancel-history.js")

/**
 * The property test's Observation, read from outside the processes: PostgreSQL for Medusa's and the plugin's rows,
 * the admin API for the order's computed status, the sandbox for i'mport's side. The invariants are the property
 * test's own (fuzz/invariants.ts).
 */
export async function observe(
  cluster: Cluster,
  api: AxiosInstance,
  store: Store,
  payment: PaidPayment,
  label: string
): Promise<Observation> {
  const ref: PaymentRef = { label, ...payment }
  const rows = async <T>(sql: string, params: unknown[]): Promise<T[]> =>
    (await cluster.db.query(sql, params)).rows as T[]
  const [refunds, captures, tickets, ledger, changes, order] = await Promise.all([
    rows<{ id: string; amount: string }>(`SELECT id, amount FROM refund WHERE payment_id = $1 AND deleted_at IS NULL`, [
      payment.paymentId,
    ]),
    rows<{ amount: string }>(`SELECT amount FROM capture WHERE payment_id = $1 AND deleted_at IS NULL`, [
      payment.paymentId,
    ]),
    rows<TicketRow>(
      `SELECT * FROM iamport_pw_cancel_ticket WHERE payment_id = $1 AND deleted_at IS NULL ORDER BY requested_at`,
      [payment.paymentId]
    ),
    rows<LedgerRow>(
      `SELECT id, key, status, refund_id, amount FROM iamport_pw_cancellation WHERE payment_id = $1 AND deleted_at IS NULL ORDER BY position`,
      [payment.paymentId]
    ),
    rows<{ n: string }>(
      `SELECT count(*) AS n FROM order_change WHERE order_id = $1 AND status IN ('pending', 'requested') AND deleted_at IS NULL`,
      [payment.orderId]
    ),
    api.get(`/admin/orders/${payment.orderId}?fields=id,status,+payment_status`, store.admin),
  ])
  const iamport = cluster.sandbox.context.state.payments.get(payment.impUid)
  if (!iamport) {
    throw new Error(`the sandbox has no payment ${payment.impUid}`)
  }
  const live = refunds.map((r) => ({ id: r.id, amount: Number(r.amount) }))
  return {
    ref,
    refunds: live,
    refunded: live.reduce((sum, r) => sum + r.amount, 0),
    captured: captures.reduce((sum, c) => sum + Number(c.amount), 0),
    tickets: tickets.map((t) => ({ ...t, amount: Number(t.amount) })),
    ledger: ledger.map((r) => ({ ...r, amount: Number(r.amount) })),
    iamport: { amount: iamport.amount, cancel_amount: iamport.cancel_amount, status: iamport.status },
    entries: keyedCancellations(iamport.cancel_history).map((e) => ({
      key: e.key,
      alias: e.alias,
      amount: Number(e.amount),
      reason: e.reason ?? "",
    })),
    sandboxTickets: [...cluster.sandbox.context.state.tickets.values()]
      .filter((t) => t.imp_uid === payment.impUid)
      .map((t) => ({ ...t })),
    order: { status: order.data.order?.status, payment_status: order.data.order?.payment_status },
    activeChanges: Number(changes[0]?.n ?? 0),
  }
}

/** Every ledger invariant over every payment, plus: each payment captured exactly once, for its whole amount. */
export async function ledgerViolations(
  cluster: Cluster,
  api: AxiosInstance,
  store: Store,
  payments: PaidPayment[],
  settledBy?: "job" | "check"
): Promise<string[]> {
  // Four payments at a time (the checks are independent reads); the violations come back in the payments' order.
  const perPayment = await inParallel(payments, 4, async (payment, index) => {
    const o = await observe(cluster, api, store, payment, `P${index}`)
    const found = checkObservation(o, settledBy)
    const captures = (
      await cluster.db.query(`SELECT count(*) AS n FROM capture WHERE payment_id = $1 AND deleted_at IS NULL`, [
        payment.paymentId,
      ])
    ).rows[0].n
    if (Number(captures) !== 1 || o.captured !== payment.amount) {
      found.push(`P${index}: ${captures} capture(s) of ${o.captured}, expected one of ${payment.amount}`)
    }
    return found
  })
  return perPayment.flat()
}
