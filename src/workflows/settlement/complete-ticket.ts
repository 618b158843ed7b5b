import type { IPaymentModuleService, MedusaContainer, UpdatePaymentDTO } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { KeyedCancellation } from "../../lib/cancel-history"
import type { IamportPayment } from "../../lib/iamport/types"
import { type CancelTicket, paymentwallModule } from "../../modules/iamport-paymentwall"
import { type Cancellation, claimCancellation, ledgerRows, markBooked } from "./ledger"
import { loadPaymentState, type PaymentState } from "./payment-state"

/** An optimistic Refund (order cancel, compensation) that i'mport now shows: tie it to its cancellation. */
export async function completeOptimisticTicket(
  container: MedusaContainer,
  state: PaymentState,
  iamport: IamportPayment,
  ticket: CancelTicket,
  entry: KeyedCancellation
): Promise<PaymentState> {
  const refundId = ticket.refund_id!
  // The Refund exists already (Medusa booked it first): tying it to its entry is safe even mid-claim.
  const { row } = await claimCancellation(container, state, iamport.imp_uid, ticket.id, entry, 0)
  if (row.status !== "booked") {
    await markBooked(container, row, refundId)
  }
  const records = { ...(state.data.cancel_requests ?? {}) }
  if (records[refundId]) {
    records[refundId] = { ...records[refundId], status: "completed", cancellation_id: entry.key }
    const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    await payments.updatePayment({ id: state.id, data: { ...state.data, cancel_requests: records } } as unknown as UpdatePaymentDTO)
  }
  await paymentwallModule(container).updateCancelTickets({
    id: ticket.id,
    status: "completed",
    cancellation_id: entry.key,
    settled_at: new Date(),
    needs_attention: false,
    rejection_suspected_at: null,
    error: null,
  })
  return loadPaymentState(container, state.id)
}

/**
 * A booked ledger row whose ticket is still open: the process died between the two writes. The ledger is the
 * truth, so the ticket completes (an open ticket would keep the amount reserved and could be "rejected").
 */
export async function finishInterruptedTickets(container: MedusaContainer, state: PaymentState, ledger: ReadonlyMap<string, Cancellation>): Promise<void> {
  const service = paymentwallModule(container)
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
      })
    }
  }
}
