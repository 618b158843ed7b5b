import type { CancelOutcome } from "../../lib/paymentwall/cancel"
import { type CancelRequestRecord, type PaymentwallData, withSnapshot } from "../../lib/paymentwall/payment-data"

/** A cancel i'mport did not refuse: a refusal is thrown, never recorded. */
export type RecordableOutcome = Exclude<CancelOutcome, { kind: "refused" }>

/** What was asked of i'mport, recorded under `key` (Medusa's refund id, or the payment id for a void). */
export type CancelAsked = { key: string; amount: number; reason: string }

/**
 * The whole data, which Medusa stores in place of payment.data, with the request recorded under its key. A lost
 * answer is recorded as `requested` with the error, because Medusa books these paths before asking anyone and the
 * plugin's tickets must keep tracking what i'mport may have accepted.
 */
export function withCancelRecord(
  data: PaymentwallData & Record<string, unknown>,
  currency: string,
  outcome: RecordableOutcome,
  { key, amount, reason }: CancelAsked
): Record<string, unknown> {
  const record: CancelRequestRecord = {
    amount,
    currency,
    status:
      outcome.kind === "completed"
        ? "completed"
        : outcome.kind === "accepted"
          ? "waiting_for_cancellation"
          : "requested",
    requested_at: new Date().toISOString(),
    reason,
    cancellation_id: outcome.kind === "completed" ? outcome.entry.key : null,
    ...(outcome.kind === "unknown" ? { error: outcome.message } : {}),
    history_before: outcome.history_before,
  }
  // Without an answer, the snapshot kept is still i'mport's latest word.
  const base = outcome.kind === "unknown" ? data : withSnapshot(data, outcome.payment)
  return { ...base, cancel_requests: { ...(data.cancel_requests ?? {}), [key]: record } }
}
