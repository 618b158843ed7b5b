/** What topology.spec.ts's scenarios share: the ledger check, open tickets, the later scenarios' orders, and figures. */
import type { AxiosInstance } from "axios"
import type { Store } from "../helpers/store"
import { CLAIM_STALE_SECONDS } from "../../src/lib/claim-liveness"
import { LOCK_LEASE_SECONDS } from "../../src/lib/lock-lease"
import { lockTtlSeconds } from "../../src/lib/lock-ttl"
import { READ_RETRIES, RETRY_BASE_DELAY_MS } from "../../src/lib/iamport/transport"
import type { Cluster } from "./cluster"
import { ledgerViolations } from "./ledger"
import { openTicketsOfAll } from "./queries"
import { checkouts, type Checkouts, type PaidPayment } from "./shop"

/** The spec's cluster, its server-a client and the store on it, read when a helper runs (they are set in beforeAll). */
type Topology = () => { cluster: Cluster; a: AxiosInstance; store: Store }

export function topologyHelpers(topology: Topology) {
  const violations = (payments: PaidPayment[], settledBy?: "job" | "check") =>
    ledgerViolations(topology().cluster, topology().a, topology().store, payments, settledBy)

  /**
   * The orders of the scenarios after the server kill (paid: the worker kill's 20, the Redis restart's 40, the
   * shutdown's 30; the Redis restart's 40 carts paid at the widget), made in bulk while the server-kill scenario
   * waits out its dead request's lock and the machine is idle. A scenario run alone makes them when it needs them.
   */
  let later: Promise<Checkouts> | undefined
  const laterOrders = (): Promise<Checkouts> =>
    (later ??= checkouts(topology().cluster, topology().store, { paid: 90, widgets: 40 }))

  const openTicketsOf = (payments: PaidPayment[]): Promise<number> =>
    openTicketsOfAll(
      topology().cluster,
      payments.map((p) => p.paymentId)
    )

  return { violations, laterOrders, openTicketsOf }
}

/** At least `expected` deliveries recorded (a retried one is recorded again), none still being handled. */
export const drained = (inbox: { total: number; unprocessed: number }, expected: number) =>
  inbox.total >= expected && inbox.unprocessed === 0

export const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0)

/**
 * How long after a worker dies in a booking every settlement may take its claim over. The bound follows from the
 * plugin's own rules and the store's options, not from a guess: the dead worker's lock runs out one lease after its
 * last renewal; its claim counts as dead once its heartbeat is CLAIM_STALE_SECONDS old, or, if it had entered
 * Medusa's refund workflow, a lock's whole lifetime old (both at most the moment of the kill).
 */
export function deadClaimTakeoverMs(): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SCALE_TIMEOUT_MS } = require("./store/provider-timeout") as { SCALE_TIMEOUT_MS: number }
  const lifetime = lockTtlSeconds(SCALE_TIMEOUT_MS, READ_RETRIES, RETRY_BASE_DELAY_MS)
  return (Math.max(LOCK_LEASE_SECONDS, CLAIM_STALE_SECONDS, lifetime) + 1) * 1000
}
