import type { IamportCancelHistory } from "./iamport/types"
import { toDecimal } from "./money"

/** A cancel_history entry with the key the ledger books it under. */
export type KeyedCancellation = Omit<IamportCancelHistory, "cancellation_id"> & {
  cancellation_id: string | null
  /** cancellation_id when i'mport gave one, else a key derived from the entry (see `cancellationKeys`). */
  key: string
  /**
   * The key derived from the entry alone (cancelled_at, amount, rank among entries that share them): what an answer
   * that left the cancellation_id out called it, so one cancellation seen both ways is one.
   */
  alias: string
  /** The key, the alias and the keys earlier versions derived for this entry: every name a record may give it. */
  names: string[]
  /** Index in i'mport's cancel_history, for display and ordering. */
  position: number
}

export const DERIVED_KEY_PREFIX = "noid:"

/**
 * Keys i'mport's cancel_history for the ledger. Third-party implementations, older answers and proxies leave
 * cancellation_id out; such an entry is keyed by what i'mport never rewrites (cancelled_at and amount) plus its rank
 * among entries that say the same, so the key survives a reordered history, a field filled in later (pg_tid,
 * receipt_url) and two identical refunds stay two. Every entry also carries that derived key as `alias`, checked as
 * well, so an entry seen once without and once with its cancellation_id is booked once. `names` adds the keys of
 * earlier versions, which counted pg_tid in (with it as i'mport shows it now, and empty), so a ledger row written
 * under one of them still books the entry.
 */
export function keyedCancellations(history: readonly IamportCancelHistory[] | null | undefined): KeyedCancellation[] {
  const seen = new Map<string, number>()
  const seenWithTid = new Map<string, number>()
  const rankOf = (ranks: Map<string, number>, base: string) => {
    const rank = ranks.get(base) ?? 0
    ranks.set(base, rank + 1)
    return rank
  }
  return (history ?? []).map((entry, position) => {
    const base = `${Number(entry.cancelled_at) || 0}:${toDecimal(entry.amount).toFixed()}`
    const rank = rankOf(seen, base)
    const alias = `${DERIVED_KEY_PREFIX}${base}:${rank}`
    const tid = entry.pg_tid ?? ""
    const earlier = [`${DERIVED_KEY_PREFIX}${base}:${tid}:${rankOf(seenWithTid, `${base}:${tid}`)}`, ...(tid ? [`${DERIVED_KEY_PREFIX}${base}::${rank}`] : [])]
    const id = typeof entry.cancellation_id === "string" ? entry.cancellation_id.trim() : ""
    const key = id || alias
    const names = [...new Set([key, alias, ...earlier])]
    return { ...entry, cancellation_id: id || null, key, alias, names, position }
  })
}

/** Whether the ledger books this entry, under its cancellation_id or under any key an answer without it gave. */
export function isBooked(entry: KeyedCancellation, booked: ReadonlySet<string>): boolean {
  return entry.names.some((name) => booked.has(name))
}

/** Whether `known` (keys a request or a snapshot saw) names this entry. */
export function isKnown(entry: KeyedCancellation, known: ReadonlySet<string> | readonly string[]): boolean {
  const set = known instanceof Set ? known : new Set(known as readonly string[])
  return entry.names.some((name) => set.has(name))
}
