import type {
  IOrderModuleService,
  IPaymentModuleService,
  MedusaContainer,
  UpdatePaymentDTO,
} from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, MedusaError, Modules, OrderStatus } from "@medusajs/framework/utils"
import { refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import type { CancellationEntry } from "../../../lib/paymentwall/cancellation"
import { type PaymentwallData, RECORD_ONLY_KEY } from "../../../lib/paymentwall/payment-data"
import type { CancelTicket } from "../../../modules/iamport-paymentwall"
import type { PaymentState } from "./payment-state"

/* Medusa's side of a booking (book-cancellation.ts): its refund workflow, and the payment data the provider reads. */

/** Whether Medusa finished the booking of this Refund: the provider recorded it, and the order has its transaction. */
export async function medusaFinished(
  container: MedusaContainer,
  state: PaymentState,
  refundId: string
): Promise<boolean> {
  if (!state.data.cancel_requests?.[refundId]) {
    return false
  }
  if (!state.order_id) {
    return true
  }
  const transactions = await container
    .resolve<IOrderModuleService>(Modules.ORDER)
    .listOrderTransactions(
      { order_id: state.order_id, reference: "refund", reference_id: refundId },
      { select: ["id"], take: 1 }
    )
  return transactions.length > 0
}

export async function bookInMedusa(
  container: MedusaContainer,
  state: PaymentState,
  ticket: CancelTicket,
  entry: CancellationEntry,
  /** The key the provider records this cancellation under: the ledger row's own (the marker's). */
  recordedKey: string
): Promise<void> {
  const refund = {
    payment_id: state.id,
    amount: entry.amount,
    note: ticket.note ?? undefined,
    refund_reason_id: ticket.refund_reason_id ?? undefined,
    created_by: ticket.requested_by ?? undefined,
  }
  if (state.order_id && state.order_status !== OrderStatus.CANCELED) {
    await refundPaymentWorkflow(container).run({ input: refund })
    return
  }
  // No order (a failed cart completion): refundPaymentWorkflow requires one. A cancelled order: cancel-order's
  // own refundPaymentsWorkflow books a refund and an order transaction, no credit line (that workflow logs and
  // drops a failed refund, so the two writes are made here in the same order, failing loudly).
  const booked = await container.resolve<IPaymentModuleService>(Modules.PAYMENT).refundPayment(refund)
  if (state.order_id) {
    // The Refund the provider recorded as this entry's: a store's refund booked meanwhile is also new to `state`.
    const records = (booked.data as PaymentwallData | null | undefined)?.cancel_requests ?? {}
    const made = (booked.refunds ?? []).find((r) => records[r.id]?.cancellation_id === recordedKey)
    if (!made) {
      // The booking undoes what Medusa made and books again later, rather than name a Refund it cannot find.
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `Medusa refunded payment ${state.id}, but no Refund carries the provider's record of cancellation ${entry.key}.`
      )
    }
    await container.resolve<IOrderModuleService>(Modules.ORDER).addOrderTransactions({
      order_id: state.order_id,
      amount: MathBN.mult(entry.amount, -1),
      currency_code: state.currency_code,
      reference: "refund",
      reference_id: made.id,
    })
  }
}

/** The payment's data as it is now. */
export async function currentData(container: MedusaContainer, paymentId: string): Promise<Record<string, unknown>> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment", fields: ["id", "data"], filters: { id: paymentId } })
  return (data[0] as { data?: Record<string, unknown> | null } | undefined)?.data ?? {}
}

/** Clears only the marker, on the data as it is now: writing back an older copy would erase the provider's records. */
export async function clearRecordOnlyMarker(container: MedusaContainer, paymentId: string): Promise<void> {
  const current = await currentData(container, paymentId)
  if (current[RECORD_ONLY_KEY]) {
    await container
      .resolve<IPaymentModuleService>(Modules.PAYMENT)
      .updatePayment(withData(paymentId, { ...current, [RECORD_ONLY_KEY]: null }))
  }
}

/** UpdatePaymentDTO is typed without `data`, which the module accepts at runtime. */
export function withData(id: string, data: Record<string, unknown>): UpdatePaymentDTO {
  return { id, data } as unknown as UpdatePaymentDTO
}
