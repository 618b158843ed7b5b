import type { Cluster } from "./cluster"
import type { Widget } from "./scenario"
import type { PaidPayment } from "./shop"

const OPEN = ["requested", "waiting_for_cancellation", "returned"]

/** Tickets of a payment that still hold money (requested, waiting at Paymentwall, returned but not booked). */
export async function openTickets(cluster: Cluster, paymentId: string): Promise<number> {
  const { rows } = await cluster.db.query(
    `SELECT count(*) AS n FROM iamport_pw_cancel_ticket WHERE payment_id = $1 AND status = ANY($2) AND deleted_at IS NULL`,
    [paymentId, OPEN]
  )
  return Number(rows[0].n)
}

/** Open tickets of all these payments, in one query: the scenarios poll it while the worker settles, and a query per payment every 250 ms took CPU from the worker. */
export async function openTicketsOfAll(cluster: Cluster, paymentIds: string[]): Promise<number> {
  const { rows } = await cluster.db.query(
    `SELECT count(*) AS n FROM iamport_pw_cancel_ticket WHERE payment_id = ANY($1) AND status = ANY($2) AND deleted_at IS NULL`,
    [paymentIds, OPEN]
  )
  return Number(rows[0].n)
}

/** How many cancels i'mport (the sandbox) accepted for this payment: one ticket each. */
export function cancelCalls(cluster: Cluster, impUid: string): number {
  return [...cluster.sandbox.context.state.tickets.values()].filter((t) => t.imp_uid === impUid).length
}

/** The widget payments Medusa has made into a captured order, as the ledger check's PaidPayment. */
export async function capturedByWidget(cluster: Cluster, widgets: Widget[]): Promise<PaidPayment[]> {
  const bySession = new Map(widgets.map((w) => [w.sessionId, w]))
  const { rows } = await cluster.db.query(
    `SELECT p.id, p.amount, p.payment_session_id, opc.order_id
       FROM payment p
       JOIN order_payment_collection opc ON opc.payment_collection_id = p.payment_collection_id AND opc.deleted_at IS NULL
      WHERE p.payment_session_id = ANY($1) AND p.deleted_at IS NULL AND p.captured_at IS NOT NULL`,
    [[...bySession.keys()]]
  )
  return rows.map((row) => {
    const widget = bySession.get(row.payment_session_id)!
    return {
      orderId: row.order_id,
      paymentId: row.id,
      impUid: widget.impUid,
      merchantUid: widget.merchantUid,
      amount: Number(row.amount),
    }
  })
}

/** The plugin's inbox since `sinceMs`: one row per delivery the worker handled. */
export async function inboxOf(
  cluster: Cluster,
  sinceMs: number
): Promise<{ total: number; unprocessed: number; failed: string[] }> {
  const { rows } = await cluster.db.query(
    `SELECT processed_at, outcome, error FROM iamport_pw_webhook_event WHERE received_at >= $1`,
    [new Date(sinceMs - 1000)]
  )
  return {
    total: rows.length,
    unprocessed: rows.filter((r) => !r.processed_at).length,
    failed: rows.filter((r) => r.outcome === "failed").map((r) => String(r.error)),
  }
}

/** The reconciliation job's body in a process of its own (`medusa exec store/settle.js`), as the worker runs it. */
export async function runSettlementJob(cluster: Cluster, label = "settle"): Promise<Record<string, unknown>> {
  const output = await cluster.medusa(["exec", "./settle.js"], label)
  const line = output.split("\n").find((l) => l.includes("SETTLE_RESULT "))
  if (!line) {
    throw new Error(`the settlement job printed no result:\n${output.slice(-3000)}`)
  }
  return JSON.parse(line.slice(line.indexOf("SETTLE_RESULT ") + "SETTLE_RESULT ".length))
}

export async function ticketStatuses(cluster: Cluster, paymentId: string): Promise<string[]> {
  const { rows } = await cluster.db.query(
    `SELECT status FROM iamport_pw_cancel_ticket WHERE payment_id = $1 AND deleted_at IS NULL ORDER BY requested_at`,
    [paymentId]
  )
  return rows.map((r) => r.status)
}

/** Ledger rows claimed and not yet booked: a booking in flight (or left by a process that died). */
export async function claimedRows(cluster: Cluster, payments?: PaidPayment[]): Promise<number> {
  const { rows } = await cluster.db.query(
    `SELECT count(*) AS n FROM iamport_pw_cancellation WHERE status = 'claimed' AND deleted_at IS NULL
        AND ($1::text[] IS NULL OR payment_id = ANY($1))`,
    [payments ? payments.map((p) => p.paymentId) : null]
  )
  return Number(rows[0].n)
}

/**
 * Polls every 5 ms for a claimed ledger row (of these payments: a claim another scenario left behind is not this
 * one's): true as soon as one is seen, false after `timeoutMs`.
 */
export async function firstClaim(cluster: Cluster, timeoutMs: number, payments?: PaidPayment[]): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if ((await claimedRows(cluster, payments)) > 0) {
      return true
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return false
}

/**
 * Booked ledger rows whose Refund the provider did not record as the settlement's booking (no `claim_owner` on its
 * record): the booking's async context did not reach the provider, so the fence against a paused booking was off.
 */
export async function bookingsOutsideTheirContext(cluster: Cluster, payments: PaidPayment[]): Promise<string[]> {
  const { rows } = await cluster.db.query(
    `SELECT c.key FROM iamport_pw_cancellation c JOIN payment p ON p.id = c.payment_id
      WHERE c.payment_id = ANY($1) AND c.status = 'booked' AND c.deleted_at IS NULL
        AND p.data->'cancel_requests'->c.refund_id->>'claim_owner' IS NULL`,
    [payments.map((p) => p.paymentId)]
  )
  return rows.map((row: { key: string }) => row.key)
}
