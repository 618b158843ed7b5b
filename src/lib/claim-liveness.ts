/**
 * When a claimed ledger row's booking is still alive. A booking renews its row's heartbeat every
 * CLAIM_HEARTBEAT_SECONDS while it runs (in PostgreSQL, so a Redis restart that drops every lock does not make a
 * live booking look dead); one whose heartbeat is older than CLAIM_STALE_SECONDS belongs to a process that died or
 * froze, and the next settlement takes it over at once instead of waiting out a lock's whole lifetime. A takeover
 * renames the claim's owner, so a frozen booking that wakes finds its claim gone before it books (the heartbeat
 * and the provider's record-only claim both check the owner).
 */
export const CLAIM_HEARTBEAT_SECONDS = 10
export const CLAIM_STALE_SECONDS = 60

/**
 * SQL, true while a ledger row is a booking in flight: claimed, and its heartbeat fresh on the database's clock. A row
 * claimed before heartbeats existed has none: it counts as in flight for a lease after its claim, as before; the one
 * `?` binds that lease in seconds.
 */
export const CLAIM_IN_FLIGHT_SQL =
  `(status = 'claimed' and case when heartbeat_at is null then claimed_at > now() - make_interval(secs => ?) ` +
  `else heartbeat_at > now() - make_interval(secs => ${CLAIM_STALE_SECONDS}) end)`
