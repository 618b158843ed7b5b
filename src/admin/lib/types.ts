/** The JSON of GET /admin/iamport-paymentwall/orders/:id, as the widget reads it. */
export type TicketStatus =
  "requested" | "waiting_for_cancellation" | "returned" | "completed" | "closed" | "rejected" | "failed"

export type Ticket = {
  id: string
  status: TicketStatus
  origin: "admin" | "order_cancel" | "external" | "compensation"
  amount: number
  currency_code: string
  needs_attention: boolean
  requested_by: { id: string; email: string | null } | null
  reason: string | null
  note: string | null
  refund_reason: string | null
  cancellation_id: string | null
  refund_id: string | null
  error: string | null
  requested_at: string
  waiting_since: string | null
  settled_at: string | null
  last_checked_at: string | null
  rejection_suspected_at: string | null
  decided_by: string | null
  decided_at: string | null
  metadata: {
    /** A cancellation at i'mport with another reason that may be this ticket's approval: a person decides. */
    approval_candidate?: { key: string; amount: number; reason: string | null; cancelled_at: number; since: string }
    /** How the ticket was tied to its cancellation when the reasons differed: by amount, or by a person. */
    matched_by?: "amount" | "person"
    /** Why a person closed a returned ticket that Medusa can never book. */
    close_reason?: string
  } | null
}

export type ExtraAttemptStatus = "found" | "cancel_requested" | "waiting_for_cancellation" | "cancelled" | "failed"

/** A second paid attempt of the payment's merchant_uid: i'mport holds the money, Medusa never booked it. */
export type ExtraAttempt = {
  id: string
  imp_uid: string
  merchant_uid: string
  amount: number
  currency_code: string
  status: ExtraAttemptStatus
  error: string | null
  found_at: string
  decided_by: string | null
  decided_at: string | null
}

export type IamportView = {
  imp_uid: string
  status: "ready" | "paid" | "cancelled" | "failed"
  amount: number
  cancel_amount: number
  currency: string
  sandbox: boolean
  paid_at: number
  receipt_url: string | null
  checked_at: string
}

export type PaymentView = {
  id: string
  amount: number
  currency_code: string
  refunded_amount: number
  mode: "test" | "live" | null
  imp_uid: string | null
  iamport: IamportView | null
  iamport_live: boolean
  iamport_error: string | null
  tickets: Ticket[]
  deliveries: Delivery[]
  /** Second paid attempts of the order (ledger invariant (h)). */
  extra_attempts: ExtraAttempt[]
  /** When a test payment is cancelled by itself (autoCancelTestPaymentsAfterMinutes), else null. */
  auto_cancel_at: string | null
  /** What a refund may still ask for: i'mport's balance less what waits at Paymentwall. */
  free_to_refund: { left: number; waiting: number; free: number } | null
}

export type Delivery = {
  id: string
  status: "order_shipped" | "delivered"
  type: "physical" | "digital"
  state: "pending" | "sent" | "failed"
  carrier_type: string | null
  carrier_tracking_id: string | null
  attempts: number
  next_attempt_at: string
  sent_at: string | null
  last_error: string | null
  created_at: string
}

export type OrderView = { order_id: string; payments: PaymentView[] }
