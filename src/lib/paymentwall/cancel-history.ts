import type { IamportCancelHistory } from "../iamport/types"
import { toDecimal } from "../money"

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
  /** The key, the alias and the key earlier versions derived from it as it reads now: what a key list may name it by. */
  knownAs: string[]
  /** knownAs, and the key earlier versions derived before i'mport filled in its pg_tid: what a ledger row may name it by. */
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
    const withTid = `${DERIVED_KEY_PREFIX}${base}:${tid}:${rankOf(seenWithTid, `${base}:${tid}`)}`
    const id = typeof entry.cancellation_id === "string" ? entry.cancellation_id.trim() : ""
    const key = id || alias
    // The form with an empty pg_tid is read for ledger rows only: a new entry still waiting for its pg_tid would
    // otherwise be taken for an older one of the same second and amount in a ticket's or a snapshot's key list.
    const knownAs = [...new Set([key, alias, withTid])]
    const names = [...new Set([...knownAs, ...(tid ? [`${DERIVED_KEY_PREFIX}${base}::${rank}`] : [])])]
    return { ...entry, cancellation_id: id || null, key, alias, knownAs, names, position }
  })
}

/** Whether the ledger books this entry, under its cancellation_id or under any key an answer without it gave. */
export function isBooked(entry: KeyedCancellation, booked: ReadonlySet<string>): boolean {
  return entry.names.some((name) => booked.has(name))
}

/** Whether `known` (keys a request, a snapshot or a person saw) names this entry. */
export function isKnown(entry: KeyedCancellation, known: ReadonlySet<string> | readonly string[]): boolean {
  const set = known instanceof Set ? known : new Set(known as readonly string[])
  return entry.knownAs.some((name) => set.has(name))
}
