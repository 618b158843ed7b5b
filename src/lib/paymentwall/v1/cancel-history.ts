import type { IamportCancelHistory } from "../../iamport/types"
import { toDecimal } from "../../money"
import type { CancellationEntry } from "../cancellation"

/**
 * i'mport V1's cancel_history, mapped to settlement's transport-neutral cancellations (../cancellation). V1 lists
 * only cancellations that succeeded, and does not say who started one (console, API or chargeback), so every entry
 * is `succeeded` and its trigger `unknown`. Its pg_tid and receipt_url stay on it for the admin.
 */
export type KeyedCancellation = CancellationEntry & Pick<IamportCancelHistory, "pg_tid" | "receipt_url">

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
    return {
      pg_tid: entry.pg_tid,
      receipt_url: entry.receipt_url,
      amount: entry.amount,
      reason: entry.reason,
      cancelled_at: entry.cancelled_at,
      status: "succeeded" as const,
      trigger: "unknown" as const,
      cancellation_id: id || null,
      key,
      alias,
      knownAs,
      names,
      position,
    }
  })
}

export { isBooked, isKnown } from "../cancellation"

/** The seam settlement reads a V1 payment's cancellations through: its cancel_history, keyed and mapped. */
export function cancellationsOf(payment: {
  cancel_history?: readonly IamportCancelHistory[] | null
}): KeyedCancellation[] {
  return keyedCancellations(payment.cancel_history)
}
