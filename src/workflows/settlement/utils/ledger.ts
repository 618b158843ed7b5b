import type { InferTypeOf, MedusaContainer } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import type { CancellationEntry } from "../../../lib/paymentwall/cancellation"
import { sameAmount } from "../../../lib/money"
import type CancellationModel from "../../../modules/iamport-paymentwall/models/cancellation"
import type { PaymentState } from "./payment-state"
import {
  type CancellationStatus,
  DONE_CANCELLATION_STATUSES,
} from "../../../modules/iamport-paymentwall/models/cancellation"
import { type CancelTicket, paymentwallModule } from "../../../modules/iamport-paymentwall"

export type Cancellation = InferTypeOf<typeof CancellationModel>

/** How far a Refund's created_at (the database's clock) may precede the claim (the app's clock). */
const CLOCK_SKEW_MS = 5 * 60_000

/** The ledger rows of one i'mport payment, by key and by alias. */
export async function ledgerOf(container: MedusaContainer, impUid: string): Promise<Map<string, Cancellation>> {
  const rows = await paymentwallModule(container).listCancellations({ imp_uid: impUid })
  const byKey = new Map<string, Cancellation>()
  for (const row of rows) {
    if (row.alias) {
      byKey.set(row.alias, row)
    }
  }
  for (const row of rows) {
    byKey.set(row.key, row)
  }
  return byKey
}

/** The row of an entry, under its key or under the key an answer without its cancellation_id gave. */
export function rowOf(ledger: ReadonlyMap<string, Cancellation>, entry: CancellationEntry): Cancellation | undefined {
  return entry.names.map((name) => ledger.get(name)).find(Boolean)
}

/**
 * Entries as the ledger knows them too: a row written under an entry's cancellation_id, which i'mport's answers now
 * leave out, still names it, so the ticket bound to that id (and the provider's record) is found by the entry.
 */
export function withLedgerNames<T extends CancellationEntry>(
  entries: readonly T[],
  ledger: ReadonlyMap<string, Cancellation>
): T[] {
  return entries.map((entry) => {
    const row = rowOf(ledger, entry)
    const extra = row ? [row.key, row.alias].filter((k): k is string => !!k && !entry.names.includes(k)) : []
    return extra.length ? { ...entry, names: [...entry.names, ...extra] } : entry
  })
}

export function isDone(row: { status: CancellationStatus }): boolean {
  return DONE_CANCELLATION_STATUSES.includes(row.status)
}

/** Keys and aliases the ledger is done with (booked, or closed by a person). */
export function bookedKeys(ledger: ReadonlyMap<string, Cancellation>): Set<string> {
  const keys = new Set<string>()
  for (const row of ledger.values()) {
    if (isDone(row)) {
      keys.add(row.key)
      if (row.alias) {
        keys.add(row.alias)
      }
    }
  }
  return keys
}

/** Each row once (ledgerOf maps a row under two names). */
export function ledgerRows(ledger: ReadonlyMap<string, Cancellation>): Cancellation[] {
  return [...new Map([...ledger.values()].map((row) => [row.id, row])).values()]
}

/**
 * The Refund that an interrupted booking made, if any: one whose provider record names the key, or else one made
 * since the claim, of the same amount, that the provider never recorded and nothing else claims (the process died
 * between Medusa's refund row and its payment data write).
 */
export function refundOfInterruptedBooking(
  state: PaymentState,
  row: Cancellation,
  taken: ReadonlySet<string>
): string | null {
  const records = state.data.cancel_requests ?? {}
  const recorded = state.refunds.find((r) => {
    const named = records[r.id]?.cancellation_id
    return !!named && (named === row.key || named === row.alias)
  })
  if (recorded) {
    return recorded.id
  }
  const since = new Date(row.claimed_at).getTime() - CLOCK_SKEW_MS
  const orphan = state.refunds.find(
    (r) =>
      !records[r.id] && !taken.has(r.id) && r.created_at.getTime() >= since && sameAmount(r.amount, row.amount as never)
  )
  return orphan?.id ?? null
}

/** Refund ids that a ledger row or a ticket already accounts for. */
export function accountedRefunds(ledger: Iterable<Cancellation>, tickets: readonly CancelTicket[]): Set<string> {
  const ids = new Set<string>()
  for (const row of ledger) {
    if (row.refund_id) {
      ids.add(row.refund_id)
    }
  }
  for (const ticket of tickets) {
    if (ticket.refund_id) {
      ids.add(ticket.refund_id)
    }
  }
  return ids
}

/**
 * What the ledger is done with for the payment (booked, or closed by a person): never more than the cancelled
 * amount i'mport shows (PaymentView.cancelled_amount), which holds both.
 */
export function bookedTotal(ledger: Iterable<Cancellation>): ReturnType<typeof MathBN.convert> {
  let total = MathBN.convert(0)
  for (const row of ledger) {
    if (isDone(row)) {
      total = MathBN.add(total, row.amount)
    }
  }
  return MathBN.convert(total)
}

/** A person closed a blocked row for good: nothing books it again, and who, when and why stay on the row. */
export async function markClosed(
  container: MedusaContainer,
  row: Cancellation,
  closedBy: string | null,
  reason: string
): Promise<Cancellation> {
  return await paymentwallModule(container).updateCancellations({
    id: row.id,
    status: "closed",
    // A blocked row's refund_id names a Refund its failed booking removed: nothing books it.
    refund_id: null,
    closed_by: closedBy,
    closed_at: new Date(),
    closed_reason: reason.slice(0, 1000),
  })
}
