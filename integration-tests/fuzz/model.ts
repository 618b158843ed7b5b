import type { Ticket } from "../../src/sandbox"

type AnyRecord = Record<string, any>

/** A Medusa payment of this run, captured, with its order. */
export type PaymentRef = {
  label: string
  orderId: string
  paymentId: string
  impUid: string
  merchantUid: string
  amount: number
}

/** A checkout whose payment Paymentwall approved after a review: the order appears when its notice is handled. */
export type PendingCheckout = {
  label: string
  cartId: string
  paymentCollectionId: string
  impUid: string
  merchantUid: string
}

/** A notification the sandbox (i'mport) sent, held by the harness, which decides when and how often it arrives. */
export type Notice = { label: string; body: Record<string, string>; deliveries: number }

export type FaultKind = "5xx" | "5xx_after" | "slow"
export type ArmedFault = { kind: FaultKind; delayMs: number }

export type TicketRow = AnyRecord & {
  id: string
  payment_id: string
  status: string
  origin: string
  amount: number
  reason: string | null
  refund_id: string | null
  cancellation_id: string | null
}

/**
 * What the commands may refer to, refreshed from the real system after every step (fast-check's model). Commands
 * name things by index (modulo what exists), so a shrunk sequence still means something.
 */
export type Model = {
  run: number
  maxOrders: number
  payments: PaymentRef[]
  pending: PendingCheckout[]
  notices: Notice[]
  fault: ArmedFault | null
  seq: number
  steps: number
  openSandboxTickets: Ticket[]
  waitingTickets: TicketRow[]
  requestedTickets: TicketRow[]
  returnedTickets: TicketRow[]
  editsOpen: Set<string>
  canceledOrders: Set<string>
}

export function emptyModel(run: number, maxOrders: number): Model {
  return {
    run,
    maxOrders,
    payments: [],
    pending: [],
    notices: [],
    fault: null,
    seq: 0,
    steps: 0,
    openSandboxTickets: [],
    waitingTickets: [],
    requestedTickets: [],
    returnedTickets: [],
    editsOpen: new Set(),
    canceledOrders: new Set(),
  }
}
