import type { MedusaContainer } from "@medusajs/framework/types"
import { keyedCancellations } from "../../lib/cancel-history"
import type { IamportPayment } from "../../lib/iamport/types"
import { planSettlement, type PlanStep, type PlanTicket } from "../../lib/settlement-plan"
import { type CancelTicket, paymentwallModule } from "../../modules/iamport-paymentwall"
import { bookedKeys, ledgerOf } from "./ledger"

export type RejectionNotice = {
  received_at: string
  webhook_event_id: string
}

const DEFAULT_GRACE_MS = 60_000

/** What i'mport's cancel_history means for this payment's tickets now (lib/settlement-plan), read from the database. */
export async function planPaymentSettlement(
  container: MedusaContainer,
  input: { payment_id: string; iamport: IamportPayment; rejection_notice?: RejectionNotice; rejection_grace_ms?: number }
): Promise<PlanStep[]> {
  const tickets = await paymentwallModule(container).listCancelTickets({ payment_id: input.payment_id })
  const ledger = await ledgerOf(container, input.iamport.imp_uid)
  return planSettlement({
    history: keyedCancellations(input.iamport.cancel_history),
    tickets: tickets.map(toPlanTicket),
    booked: bookedKeys(ledger),
    rejectionNotice: input.rejection_notice
      ? { received_at: new Date(input.rejection_notice.received_at), grace_ms: input.rejection_grace_ms ?? DEFAULT_GRACE_MS }
      : undefined,
  })
}

function toPlanTicket(ticket: CancelTicket): PlanTicket {
  return {
    id: ticket.id,
    status: ticket.status,
    amount: ticket.amount as unknown as number,
    cancellation_id: ticket.cancellation_id,
    refund_id: ticket.refund_id,
    requested_at: new Date(ticket.requested_at),
    waiting_since: ticket.waiting_since ? new Date(ticket.waiting_since) : null,
    rejection_suspected_at: ticket.rejection_suspected_at ? new Date(ticket.rejection_suspected_at) : null,
    history_before: historyBefore(ticket.metadata),
    // What the request told i'mport; an external ticket's reason is the entry's own, never a request's.
    sent_reason: ticket.origin === "external" ? null : ticket.reason,
  }
}

function historyBefore(metadata: unknown): string[] | null {
  const value = (metadata as { history_before?: unknown } | null)?.history_before
  return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : null
}
