/**
 * When a claimed ledger row's booking is still alive. A booking renews its row's heartbeat every
 * CLAIM_HEARTBEAT_SECONDS while it runs (in PostgreSQL, on the database's clock, so a Redis restart that drops every
 * lock does not make a live booking look dead). One silent for CLAIM_STALE_SECONDS belongs to a process that died or
 * froze, and the next settlement takes it over at once instead of waiting out a lock's whole lifetime: a takeover
 * renames the claim's owner, and every write of a booking checks that it still owns its claim.
 *
 * Except once a booking has entered Medusa's refund workflow (`booking_at`): nothing of the plugin's can stop a
 * frozen process there from finishing Medusa's steps when it wakes, so such a claim counts as alive for the lock's
 * whole lifetime after its last beat, as every claim did before heartbeats.
 */
export const CLAIM_HEARTBEAT_SECONDS = 10
export const CLAIM_STALE_SECONDS = 60

/**
 * SQL over iamport_pw_cancellation, true while a row is a booking in flight, with its bound values (the lock's whole
 * lifetime, `leaseSeconds`, for a claim that reached Medusa and for rows claimed before claims named their owner).
 */
export function claimInFlightSql(leaseSeconds: number): { sql: string; bindings: number[] } {
  return {
    sql:
      `(status = 'claimed' and case ` +
      `when claim_owner is null and heartbeat_at is null then claimed_at > now() - make_interval(secs => ?) ` +
      `when heartbeat_at is null then claimed_at > now() - make_interval(secs => ${CLAIM_STALE_SECONDS}) ` +
      `when booking_at is not null then heartbeat_at > now() - make_interval(secs => ?) ` +
      `else heartbeat_at > now() - make_interval(secs => ${CLAIM_STALE_SECONDS}) end)`,
    bindings: [leaseSeconds, leaseSeconds],
  }
}
