import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { CancellationEntry } from "../../../lib/paymentwall/cancellation"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { type CancelTicket, paymentwallModule } from "../../../modules/iamport-paymentwall"
import { type Cancellation, ledgerRows } from "./ledger"
import { claimCancellation, markBooked } from "./ledger-claim"
import { loadPaymentState, type PaymentState } from "./payment-state"
import { currentData, withData } from "./medusa-booking"
import type { PaymentwallData } from "../../../lib/paymentwall/payment-data"

/**
 * A finished ticket's approval candidate is decided by its end (completed, rejected, closed), so the widget never offers it again: removed
 * (Medusa merges metadata on update, and only "" drops a key), and the rest of the metadata left as it is.
 */
export function candidateDecided(ticket: { metadata?: Record<string, unknown> | null }): {
  metadata?: Record<string, unknown>
} {
  const candidate = ticket.metadata?.approval_candidate
  return candidate === undefined || candidate === "" ? {} : { metadata: { approval_candidate: "" } }
}

/** An optimistic Refund (order cancel, compensation) that i'mport now shows: tie it to its cancellation. */
export async function completeOptimisticTicket(
  container: MedusaContainer,
  state: PaymentState,
  payment: PaymentView,
  ticket: CancelTicket,
  entry: CancellationEntry
): Promise<PaymentState> {
  const refundId = ticket.refund_id!
  // The Refund exists already (Medusa booked it first): tying it to its entry is safe even mid-claim.
  const { row } = await claimCancellation(container, state, payment.id, ticket.id, entry, {
    owner: `optimistic:${refundId}`,
    leaseSeconds: 0,
    takeAny: true,
  })
  if (row.status === "closed") {
    // A person closed the entry (only a race with the close gets here): never book over their record.
    return state
  }
  if (row.status !== "booked") {
    await markBooked(container, row, refundId)
  }
  if (state.data.cancel_requests?.[refundId]) {
    // On the data as it is now: an older copy written back would erase a record the provider made meanwhile.
    const current = await currentData(container, state.id)
    const records = { ...((current as PaymentwallData).cancel_requests ?? {}) }
    if (records[refundId]) {
      records[refundId] = { ...records[refundId], status: "completed", cancellation_id: entry.key }
      await container
        .resolve<IPaymentModuleService>(Modules.PAYMENT)
        .updatePayment(withData(state.id, { ...current, cancel_requests: records }))
    }
  }
  await paymentwallModule(container).updateCancelTickets({
    id: ticket.id,
    status: "completed",
    cancellation_id: entry.key,
    settled_at: new Date(),
    needs_attention: false,
    rejection_suspected_at: null,
    error: null,
    ...candidateDecided(ticket),
  })
  return loadPaymentState(container, state.id)
}

/**
 * A booked ledger row whose ticket is still open: the process died between the two writes. The ledger is the
 * truth, so the ticket completes (an open ticket would keep the amount reserved and could be "rejected").
 */
export async function finishInterruptedTickets(
  container: MedusaContainer,
  state: PaymentState,
  ledger: ReadonlyMap<string, Cancellation>
): Promise<void> {
  const service = paymentwallModule(container)
  const closed = ledgerRows(ledger).filter((row) => row.status === "closed" && row.ticket_id)
  if (closed.length) {
    // A close that died between its two writes: the row's record finishes the ticket.
    for (const ticket of await service.listCancelTickets({
      id: closed.map((row) => row.ticket_id!),
      payment_id: state.id,
      status: "returned",
    })) {
      await closeTicketAsRow(
        container,
        ticket,
        closed.find((r) => r.ticket_id === ticket.id)!
      )
    }
  }
  const booked = ledgerRows(ledger).filter((row) => row.status === "booked" && row.ticket_id && row.refund_id)
  if (!booked.length) {
    return
  }
  const tickets = await service.listCancelTickets({ id: booked.map((row) => row.ticket_id!), payment_id: state.id })
  for (const ticket of tickets) {
    const row = booked.find((r) => r.ticket_id === ticket.id)!
    if (ticket.status !== "completed") {
      await service.updateCancelTickets({
        id: ticket.id,
        status: "completed",
        cancellation_id: row.key,
        refund_id: row.refund_id,
        settled_at: row.booked_at ?? new Date(),
        needs_attention: false,
        rejection_suspected_at: null,
        error: null,
        ...candidateDecided(ticket),
      })
    }
  }
}

/** A returned ticket whose ledger row a person closed: it closes with the row's record of who, when and why. */
export async function closeTicketAsRow(
  container: MedusaContainer,
  ticket: CancelTicket,
  row: Cancellation
): Promise<CancelTicket> {
  return await paymentwallModule(container).updateCancelTickets({
    id: ticket.id,
    status: "closed",
    cancellation_id: row.key,
    needs_attention: false,
    error: null,
    settled_at: row.closed_at ?? new Date(),
    decided_by: row.closed_by,
    decided_at: row.closed_at ?? new Date(),
    metadata: {
      ...(ticket.metadata ?? {}),
      close_reason: row.closed_reason,
      blocked_reason: row.blocked_reason ?? ticket.error ?? null,
      ...candidateDecided(ticket).metadata,
    },
  })
}
