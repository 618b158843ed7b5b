import type { IPaymentModuleService, MedusaContainer, UpdatePaymentDTO } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import type { IamportCancelHistory } from "../../lib/iamport/types"
import { RECORD_ONLY_KEY, type RecordOnlyMarker } from "../../providers/iamport-paymentwall/payment-data"
import { type CancelTicket, loadPaymentState, type PaymentState, ticketService } from "./payment-state"

/**
 * Books one cancellation that i'mport's cancel_history shows, through Medusa's own refundPaymentWorkflow, so the
 * Refund, the order transaction, the credit line and `payment.refunded` are Medusa's and not a copy of its maths.
 * The record-only marker makes the provider record instead of cancelling at i'mport again. Runs under the
 * payment's lock; returns the payment as it is after the booking.
 */
export async function bookCancellation(
  container: MedusaContainer,
  state: PaymentState,
  ticket: CancelTicket,
  entry: IamportCancelHistory
): Promise<PaymentState> {
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const marker: RecordOnlyMarker = { cancellation_id: entry.cancellation_id, amount: entry.amount, reason: ticket.reason ?? entry.reason ?? null }
  // UpdatePaymentDTO is typed without `data`, which the module accepts at runtime.
  const withMarker = { id: state.id, data: { ...state.data, [RECORD_ONLY_KEY]: marker } } as unknown as UpdatePaymentDTO
  await payments.updatePayment(withMarker)
  const refund = {
    payment_id: state.id,
    amount: entry.amount,
    note: ticket.note ?? undefined,
    refund_reason_id: ticket.refund_reason_id ?? undefined,
    created_by: ticket.requested_by ?? undefined,
  }
  try {
    if (state.order_id) {
      await refundPaymentWorkflow(container).run({ input: refund })
    } else {
      // A payment without an order (a failed cart completion): refundPaymentWorkflow requires one.
      await payments.refundPayment(refund)
    }
  } catch (error) {
    await payments.updatePayment({ id: state.id, data: { ...state.data, [RECORD_ONLY_KEY]: null } } as unknown as UpdatePaymentDTO)
    throw error
  }

  const after = await loadPaymentState(container, state.id)
  const refundId = after.refund_ids.find((id) => after.data.cancel_requests?.[id]?.cancellation_id === entry.cancellation_id)
  if (!refundId) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `Booked cancellation ${entry.cancellation_id} of payment ${state.id}, but found no refund recording it.`
    )
  }
  await ticketService(container).updateCancelTickets({
    id: ticket.id,
    status: "completed",
    cancellation_id: entry.cancellation_id,
    refund_id: refundId,
    settled_at: new Date(),
    needs_attention: false,
    error: null,
  })
  return after
}
