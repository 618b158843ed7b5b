/** What topology.spec.ts's scenarios share: the ledger check, open tickets, the later scenarios' orders, and figures. */
import type { AxiosInstance } from "axios"
import type { Store } from "../helpers/store"
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
