/**
 * One cancellation of a payment as settlement reads it, whichever transport reported it: i'mport V1's
 * cancel_history maps into it today (v1/cancel-history.ts), PortOne V2's cancellations are to map beside it.
 * Settlement plans, books and reserves from this list only, never from a transport's own shape.
 */
export type CancellationStatus = "requested" | "succeeded" | "failed"

/** Who started it, where the transport says: a request through the API, the PG's console, or a chargeback. */
export type CancellationTrigger = "api" | "console" | "chargeback" | "unknown"

export type CancellationEntry = {
  /** The ledger key: the transport's id for it, else a key derived from what the transport never rewrites. */
  key: string
  /** The key derived from the entry alone: what an answer that left the id out called it, so both are one. */
  alias: string
  /** The key, the alias and older derived forms: what a key list (a request's, a snapshot's, a person's) may name it by. */
  knownAs: string[]
  /** knownAs, and the forms a ledger row written by an earlier version may name it by. */
  names: string[]
  /** The transport's own id, when it gave one. */
  cancellation_id: string | null
  /** In the payment's currency, as the transport counts it (major units for KRW and USD). */
  amount: number
  /** Only a succeeded cancellation is money returned: the only kind settlement ever books. */
  status: CancellationStatus
  /** The reason given with the request, as the transport keeps it. */
  reason: string
  trigger: CancellationTrigger
  /** When it succeeded (or was asked, while requested), in Unix seconds. */
  cancelled_at: number
  /** Its place in the transport's list, for display and ordering. */
  position: number
}

/** Whether the ledger books this cancellation, under its id or under any key an answer without it gave. */
export function isBooked(entry: Pick<CancellationEntry, "names">, booked: ReadonlySet<string>): boolean {
  return entry.names.some((name) => booked.has(name))
}

/**
 * The keys and aliases of a payment's cancellations: the history a cancel sent now is checked against, since none
 * of them can be its answer (the kept snapshot's history_keys, a request's history_before).
 */
export function historyKeysOf(entries: readonly Pick<CancellationEntry, "key" | "alias">[]): string[] {
  return [...new Set(entries.flatMap((entry) => [entry.key, entry.alias]))]
}

/** Whether `known` (keys a request, a snapshot or a person saw) names this cancellation. */
export function isKnown(
  entry: Pick<CancellationEntry, "knownAs">,
  known: ReadonlySet<string> | readonly string[]
): boolean {
  const set = known instanceof Set ? known : new Set(known as readonly string[])
  return entry.knownAs.some((name) => set.has(name))
}

/** The cancellations that returned money: what is booked, counted and matched to tickets. */
export function succeeded<T extends Pick<CancellationEntry, "status">>(cancellations: readonly T[]): T[] {
  return cancellations.filter((c) => c.status === "succeeded")
}
