/** Margin for the database work a lock also guards (ledger, Medusa's refund workflow). */
const DB_MARGIN_SECONDS = 60

/**
 * How long a per-payment lock must live: longer than the slowest i'mport calls it guards, so it never expires
 * under a holder that is still working. The worst case is a cancel sent from a kept snapshot and refused, a
 * look-up, and the cancel sent once more; each call may renew the token, be refused once with 401, renew again and
 * repeat, and reads are retried `readRetries` times with backoff.
 */
export function lockTtlSeconds(timeoutMs: number, readRetries: number, retryBaseDelayMs: number): number {
  const lookupCalls = 2 * (1 + (1 + readRetries))
  const cancelCalls = 2 * 2 * (1 + 1)
  let backoffMs = 0
  for (let attempt = 1; attempt <= readRetries; attempt++) {
    backoffMs += retryBaseDelayMs * 2 ** (attempt - 1)
  }
  const worstMs = (lookupCalls + cancelCalls) * timeoutMs + 2 * backoffMs
  return Math.ceil(worstMs / 1000) + DB_MARGIN_SECONDS
}
