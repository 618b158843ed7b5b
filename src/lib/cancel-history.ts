import type { IamportCancelHistory } from "./iamport/types"
import { toDecimal } from "./money"

/** A cancel_history entry with the key the ledger books it under. */
export type KeyedCancellation = Omit<IamportCancelHistory, "cancellation_id"> & {
  cancellation_id: string | null
  /** cancellation_id when i'mport gave one, else a key derived from the entry (see `cancellationKeys`). */
  key: string
  /**
   * The key derived from the entry alone (rank counted among all entries): what an answer that left the
   * cancellation_id out called it, so one cancellation seen both ways is one.
   */
  alias: string
  /** Index in i'mport's cancel_history, for display and ordering. */
  position: number
}

export const DERIVED_KEY_PREFIX = "noid:"

/**
 * Keys i'mport's cancel_history for the ledger. Third-party implementations, older answers and proxies leave
 * cancellation_id out; such an entry is keyed by what it says (cancelled_at, amount, pg_tid) plus its rank among
 * entries that say the same, so the key survives a reordered history and two identical refunds stay two. Every
 * entry also carries that derived key as `alias`, checked as well, so an entry seen once without and once with its
 * cancellation_id is booked once.
 */
export function keyedCancellations(history: readonly IamportCancelHistory[] | null | undefined): KeyedCancellation[] {
  const seen = new Map<string, number>()
  return (history ?? []).map((entry, position) => {
    const base = `${Number(entry.cancelled_at) || 0}:${toDecimal(entry.amount).toFixed()}:${entry.pg_tid ?? ""}`
    const rank = seen.get(base) ?? 0
    seen.set(base, rank + 1)
    const alias = `${DERIVED_KEY_PREFIX}${base}:${rank}`
    const id = typeof entry.cancellation_id === "string" ? entry.cancellation_id.trim() : ""
    return id ? { ...entry, cancellation_id: id, key: id, alias, position } : { ...entry, cancellation_id: null, key: alias, alias, position }
  })
}

/** Whether the ledger books this entry, under its cancellation_id or under the key an answer without it gave. */
export function isBooked(entry: KeyedCancellation, booked: ReadonlySet<string>): boolean {
  return booked.has(entry.key) || booked.has(entry.alias)
}
