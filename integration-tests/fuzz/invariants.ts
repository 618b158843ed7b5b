import type { Ticket } from "../../src/sandbox"
import type { TicketRow } from "./model"
import type { Observation } from "./observation"

/** Tickets that hold money back and have no Refund (c): requested, waiting at Paymentwall, returned but not booked. */
const OPEN = new Set(["requested", "waiting_for_cancellation", "returned"])
/** Optimistic bookings still open (a): Medusa booked them before i'mport showed anything. */
const OPTIMISTIC_OPEN = new Set(["requested", "waiting_for_cancellation"])

function isOptimistic(t: TicketRow): boolean {
  return (
    ["order_cancel", "compensation"].includes(t.origin) ||
    Boolean((t.metadata as { booked_by_medusa_before_settlement?: boolean } | null)?.booked_by_medusa_before_settlement)
  )
}

/** Refunds that neither a ticket nor a ledger row accounts for. */
function untracked(o: Observation): { id: string; amount: number }[] {
  const accounted = new Set([...o.tickets.map((t) => t.refund_id), ...o.ledger.map((r) => r.refund_id)].filter(Boolean))
  return o.refunds.filter((r) => !accounted.has(r.id))
}

/** Why the ledger may not be square yet although the job ran (docs/design.md: "no obstacle is open"); empty when none. */
export function obstacles(o: Observation): string[] {
  const found: string[] = []
  if (o.tickets.some((t) => t.status === "returned")) {
    found.push("a returned ticket")
  }
  if (o.ledger.some((r) => r.status === "blocked")) {
    found.push("a blocked ledger row")
  }
  if (o.activeChanges > 0) {
    found.push("an active order change")
  }
  if (o.order.status === "canceled" && o.tickets.some((t) => OPEN.has(t.status))) {
    found.push("a canceled order with open tickets")
  }
  if (o.tickets.some((t) => isOptimistic(t) && t.refund_id && OPTIMISTIC_OPEN.has(t.status)) || untracked(o).length) {
    found.push("an optimistic booking still open")
  }
  if (
    o.tickets.some(
      (t) =>
        OPTIMISTIC_OPEN.has(t.status) && (t.metadata as { approval_candidate?: unknown } | null)?.approval_candidate
    )
  ) {
    found.push("a suspected approval for a person to decide")
  }
  return found
}

/** The Paymentwall ticket a plugin ticket asked for, where its reason and amount name exactly one. */
function paymentwallTicketOf(o: Observation, t: TicketRow): Ticket | undefined {
  const alike = o.tickets.filter((other) => other.reason === t.reason && other.amount === t.amount)
  const theirs = o.sandboxTickets.filter((pw) => pw.reason === t.reason && pw.amount === t.amount)
  return alike.length === 1 && theirs.length === 1 ? theirs[0] : undefined
}

/**
 * The ledger invariants (docs/design.md) for one payment. `settled`: the reconciliation job (or the admin's check)
 * has just run for it, so with no obstacle open Medusa must equal i'mport exactly.
 */
export function checkObservation(o: Observation, settledBy?: "job" | "check"): string[] {
  const settled = settledBy !== undefined
  const after = settledBy === "job" ? "after the job" : "after check-now"
  const v: string[] = []
  const p = o.ref.label
  const live = new Map(o.refunds.map((r) => [r.id, r.amount]))

  // (a) refunded − optimistic ≤ cancel_amount; equal once settled with no obstacle.
  // A Refund no ticket or ledger row accounts for is one Medusa booked itself (order cancel) that the plugin's
  // order.canceled subscriber has not tracked yet: optimistic too, for the moment until the event is handled.
  const optimistic =
    o.tickets
      .filter((t) => isOptimistic(t) && t.refund_id && OPTIMISTIC_OPEN.has(t.status))
      .reduce((sum, t) => sum + (live.get(t.refund_id!) ?? 0), 0) + untracked(o).reduce((sum, r) => sum + r.amount, 0)
  if (o.refunded - optimistic > o.iamport.cancel_amount) {
    v.push(
      `(a) ${p}: Medusa refunded ${o.refunded} (optimistic open ${optimistic}) > i'mport cancel_amount ${o.iamport.cancel_amount}`
    )
  }
  const blocking = obstacles(o)
  // A cancellation a person closed by hand (Medusa could never book it) is, on the record, left out of Medusa's total.
  const closedKeys = new Set(o.ledger.filter((r) => r.status === "closed").map((r) => r.key))
  const closedTotal = o.ledger.filter((r) => r.status === "closed").reduce((sum, r) => sum + r.amount, 0)
  if (settled && blocking.length === 0 && o.refunded !== o.iamport.cancel_amount - closedTotal) {
    v.push(
      `(a) ${p}: ${after}, no obstacle open, Medusa refunded ${o.refunded} != i'mport cancel_amount ${o.iamport.cancel_amount} − closed by hand ${closedTotal}`
    )
  }
  // An untracked Refund is optimistic only until the plugin sees it: the job and check-now adopt every one.
  const stray = untracked(o)
  if (settled && stray.length) {
    v.push(
      `(a) ${p}: ${after}, Medusa Refund(s) ${stray.map((r) => `${r.id} (${r.amount})`).join(", ")} still tracked by no ticket or ledger row`
    )
  }

  // (b) each cancel_history entry ↔ at most one Refund (exactly one when settled); no Refund booked twice.
  for (const entry of o.entries) {
    const refunds = new Set<string>()
    for (const row of o.ledger.filter((r) => r.key === entry.key && r.refund_id && live.has(r.refund_id))) {
      refunds.add(row.refund_id!)
    }
    for (const t of o.tickets.filter((t) => t.cancellation_id === entry.key && t.refund_id && live.has(t.refund_id))) {
      refunds.add(t.refund_id!)
    }
    if (refunds.size > 1) {
      v.push(
        `(b) ${p}: cancel_history entry ${entry.key} (${entry.amount}) maps to ${refunds.size} Refunds ${[...refunds].join(", ")}`
      )
    }
    if (closedKeys.has(entry.key) && refunds.size > 0) {
      v.push(
        `(b) ${p}: cancel_history entry ${entry.key} was closed by hand, yet maps to Refund(s) ${[...refunds].join(", ")}`
      )
    }
    if (settled && blocking.length === 0 && !closedKeys.has(entry.key) && refunds.size !== 1) {
      v.push(
        `(b) ${p}: ${after}, no obstacle open, cancel_history entry ${entry.key} (${entry.amount}) maps to ${refunds.size} Refunds`
      )
    }
  }
  const keys = new Set(o.entries.map((e) => e.key))
  for (const row of o.ledger) {
    if (!keys.has(row.key)) {
      v.push(`(b) ${p}: ledger row ${row.key} (${row.status}) names no cancel_history entry`)
    }
    if (row.status === "closed" && (!row.closed_at || row.refund_id)) {
      v.push(`(b) ${p}: ledger row ${row.key} is closed without a record of when, or with Refund ${row.refund_id}`)
    }
    if (row.status === "booked" && (!row.refund_id || !live.has(row.refund_id))) {
      v.push(`(b) ${p}: ledger row ${row.key} is booked to Refund ${row.refund_id}, which does not exist`)
    }
  }
  const dupes = (ids: (string | null)[]) => ids.filter((id, i) => id && ids.indexOf(id) !== i)
  for (const id of dupes(o.ledger.map((r) => r.refund_id))) {
    v.push(`(b) ${p}: Refund ${id} books two ledger rows`)
  }
  for (const id of dupes(o.tickets.map((t) => t.refund_id))) {
    v.push(`(b) ${p}: Refund ${id} is held by two tickets`)
  }

  // (c) The plugin's own requests (every ticket but external ones, except those Paymentwall or a person turned down)
  // never ask for more than was captured: a console refund never raises this sum, so there is no exception to it.
  const own = o.tickets
    .filter((t) => t.origin !== "external" && !["rejected", "failed"].includes(t.status))
    .reduce((sum, t) => sum + t.amount, 0)
  if (own > o.captured) {
    v.push(`(c) ${p}: the plugin's own requests ask for ${own} > captured ${o.captured}`)
  }
  // And refunded + open tickets without a Refund ≤ captured, except by what i'mport's console returned while requests
  // waited or an optimistic Refund stood (the harness's console refunds carry "console" reasons); every such ticket
  // must then be flagged for a person, its amount still reserved.
  const reserved = o.tickets.filter((t) => OPEN.has(t.status) && !t.refund_id).reduce((sum, t) => sum + t.amount, 0)
  const over = o.refunded + reserved - o.captured
  if (over > 0) {
    // Flagged: a returned one with Medusa's reason for not booking it yet, a request with the figures.
    const holding = o.tickets.filter((t) => OPEN.has(t.status) && !t.refund_id)
    const byConsole = o.entries.filter((e) => e.reason.startsWith("console ")).reduce((sum, e) => sum + e.amount, 0)
    const flagged = holding.every(
      (t) => t.needs_attention && (t.status === "returned" || /i'mport shows only/.test(String(t.error ?? "")))
    )
    if (over > byConsole || !flagged) {
      v.push(
        `(c) ${p}: refunded ${o.refunded} + open tickets ${reserved} > captured ${o.captured}${over <= byConsole ? ", and the requests that no longer fit are not flagged" : ""}`
      )
    }
  }

  // (e) the order's payment status agrees with the Refund rows. A canceled order with nothing refunded shows
  // Medusa's partially_captured (its collection is canceled, the capture stays): that is Medusa's own rule.
  const expected = o.refunded === 0 ? "captured" : o.refunded < o.captured ? "partially_refunded" : "refunded"
  const canceledUnrefunded =
    o.order.status === "canceled" && o.refunded === 0 && o.order.payment_status === "partially_captured"
  if (o.order.payment_status !== expected && !canceledUnrefunded) {
    v.push(
      `(e) ${p}: order ${o.ref.orderId} (${o.order.status}) payment_status ${o.order.payment_status}, expected ${expected} (refunded ${o.refunded} of ${o.captured})`
    )
  }

  // (g) liveness: once the job has run and no obstacle is open, no ticket stays open whose result i'mport shows.
  if (settledBy === "job" && blocking.length === 0) {
    for (const t of o.tickets.filter((t) => t.origin !== "external" && OPTIMISTIC_OPEN.has(t.status))) {
      const pw = paymentwallTicketOf(o, t)
      if (pw?.status === "approved") {
        v.push(
          `(g) ${p}: after the job, ticket ${t.id} (${t.amount}) is still ${t.status} although i'mport shows Paymentwall's approval ${pw.cancellation_id}`
        )
      }
    }
  }

  // (j) A canceled order keeps no money silently: what i'mport has not returned is on a ticket (open, or rejected or
  // failed and flagged for a person). Not in docs/design.md's list; it is how a cancel that i'mport refused shows.
  if (o.order.status === "canceled") {
    const accounted = o.tickets
      .filter((t) => OPTIMISTIC_OPEN.has(t.status) || (["rejected", "failed"].includes(t.status) && t.needs_attention))
      .reduce((sum, t) => sum + t.amount, 0)
    // requested and waiting are pending at i'mport; returned and completed are in cancel_amount already.
    const kept = o.captured - o.iamport.cancel_amount - accounted
    if (kept > 0) {
      v.push(
        `(j) ${p}: order canceled, but ${kept} of ${o.captured} is neither returned by i'mport (${o.iamport.cancel_amount}) nor on an open or flagged ticket`
      )
    }
  }

  // (i) Paymentwall never pays back more than was paid: returned + tickets it still works on ≤ paid.
  const openAtPaymentwall = o.sandboxTickets.filter((t) => t.status === "open").reduce((sum, t) => sum + t.amount, 0)
  if (o.iamport.cancel_amount + openAtPaymentwall > o.iamport.amount) {
    v.push(
      `(i) ${p}: i'mport returned ${o.iamport.cancel_amount} + open Paymentwall tickets ${openAtPaymentwall} > paid ${o.iamport.amount}`
    )
  }
  return v
}

/**
 * (d) A forged notice changed no money state. It may make the plugin look at i'mport, so what a fresh look-up
 * justifies (booking an entry not booked before, adopting a Refund Medusa booked itself) is allowed; nothing else.
 * Timestamps, needs_attention and the rejection-suspected flag are ignored.
 */
export function compareForged(before: Observation, after: Observation): string[] {
  const v: string[] = []
  const p = before.ref.label
  if (after.iamport.cancel_amount !== before.iamport.cancel_amount) {
    v.push(`(d) ${p}: i'mport cancel_amount ${before.iamport.cancel_amount} -> ${after.iamport.cancel_amount}`)
  }
  if (after.sandboxTickets.length !== before.sandboxTickets.length) {
    v.push(
      `(d) ${p}: a cancel reached Paymentwall (${before.sandboxTickets.length} -> ${after.sandboxTickets.length} tickets)`
    )
  }
  const afterRefunds = new Map(after.refunds.map((r) => [r.id, r.amount]))
  for (const r of before.refunds) {
    if (!afterRefunds.has(r.id)) {
      v.push(`(d) ${p}: Refund ${r.id} (${r.amount}) was deleted`)
    } else if (afterRefunds.get(r.id) !== r.amount) {
      v.push(`(d) ${p}: Refund ${r.id} changed amount ${r.amount} -> ${afterRefunds.get(r.id)}`)
    }
  }
  const bookedBefore = new Set(before.ledger.filter((r) => r.status === "booked").map((r) => r.key))
  const unbooked = before.entries.filter((e) => !bookedBefore.has(e.key))
  const trackedBefore = new Set([...before.tickets.map((t) => t.refund_id), ...before.ledger.map((r) => r.refund_id)])
  const untracked = before.refunds.filter((r) => !trackedBefore.has(r.id))
  const newRefunds = after.refunds.filter((r) => !before.refunds.some((b) => b.id === r.id))
  if (newRefunds.length > unbooked.length) {
    v.push(
      `(d) ${p}: ${newRefunds.length} new Refunds, but only ${unbooked.length} cancel_history entries were unbooked`
    )
  }
  const afterTickets = new Map(after.tickets.map((t) => [t.id, t]))
  for (const t of before.tickets) {
    const a = afterTickets.get(t.id)
    if (!a) {
      v.push(`(d) ${p}: ticket ${t.id} (${t.status}) disappeared`)
      continue
    }
    if (a.amount !== t.amount) {
      v.push(`(d) ${p}: ticket ${t.id} amount ${t.amount} -> ${a.amount}`)
    }
    if (t.refund_id && a.refund_id !== t.refund_id) {
      v.push(`(d) ${p}: ticket ${t.id} lost its Refund ${t.refund_id} (now ${a.refund_id})`)
    }
    if (a.status !== t.status) {
      const towardsBooking = ["completed", "returned"].includes(a.status) && unbooked.length > 0
      if (!towardsBooking) {
        v.push(`(d) ${p}: ticket ${t.id} ${t.status} -> ${a.status}`)
      }
    }
  }
  for (const t of after.tickets.filter((t) => !before.tickets.some((b) => b.id === t.id))) {
    const justified = unbooked.some((e) => e.key === t.cancellation_id) || untracked.some((r) => r.id === t.refund_id)
    if (!justified) {
      v.push(`(d) ${p}: a new ticket ${t.id} (${t.origin}, ${t.status}, ${t.amount})`)
    }
  }
  const afterLedger = new Map(after.ledger.map((r) => [r.key, r]))
  for (const row of before.ledger) {
    const a = afterLedger.get(row.key)
    if (!a) {
      v.push(`(d) ${p}: ledger row ${row.key} disappeared`)
    } else if (row.status === "booked" && (a.status !== "booked" || a.refund_id !== row.refund_id)) {
      v.push(`(d) ${p}: booked ledger row ${row.key} changed to ${a.status} ${a.refund_id}`)
    }
  }
  for (const row of after.ledger.filter((r) => !before.ledger.some((b) => b.key === r.key))) {
    if (!unbooked.some((e) => e.key === row.key)) {
      v.push(`(d) ${p}: a new ledger row ${row.key}`)
    }
  }
  return v
}
