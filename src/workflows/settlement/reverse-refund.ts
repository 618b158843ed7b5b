import type { IOrderModuleService, IPaymentModuleService, MedusaContainer, UpdatePaymentCollectionDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { sameAmount } from "../../lib/money"
import type { CancelTicket, PaymentState } from "./payment-state"

/**
 * Undoes a Refund that Medusa booked before Paymentwall answered (order cancel, cart compensation) and that
 * Paymentwall then rejected: the Refund row, the collection's refunded_amount, and the order's refund transaction.
 * Returns what could not be undone: Medusa has no way to remove the refund credit line that cancel-order added.
 */
export async function reverseOptimisticRefund(
  container: MedusaContainer,
  state: PaymentState,
  ticket: CancelTicket
): Promise<string[]> {
  const left: string[] = []
  if (!ticket.refund_id) {
    return left
  }
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  await payments.deleteRefunds([ticket.refund_id])

  // The module recomputes refunded_amount only when it books; recompute it from the refunds that remain.
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment_collection",
    fields: ["id", "payments.refunds.amount"],
    filters: { id: state.payment_collection_id },
  })
  const collection = data[0] as { payments?: { refunds?: { amount: number }[] }[] } | undefined
  const refunded = (collection?.payments ?? [])
    .flatMap((p) => p.refunds ?? [])
    .reduce((total, r) => MathBN.add(total, r.amount), MathBN.convert(0))
  await payments.updatePaymentCollections(state.payment_collection_id, {
    refunded_amount: refunded,
  } as unknown as UpdatePaymentCollectionDTO)

  if (state.order_id) {
    const orders = container.resolve<IOrderModuleService>(Modules.ORDER)
    // refundPaymentsWorkflow (cancel-order, compensation) references the payment; refundPaymentWorkflow the refund.
    const transactions = await orders.listOrderTransactions({
      order_id: state.order_id,
      reference: "refund",
      reference_id: [ticket.refund_id, state.id],
    })
    const match =
      transactions.find((t) => t.reference_id === ticket.refund_id) ??
      transactions.find((t) => sameAmount(MathBN.mult(t.amount as never, -1), ticket.amount as never))
    if (match) {
      await orders.deleteOrderTransactions([match.id])
    } else {
      left.push("the order's refund transaction was not found")
    }
    if (ticket.origin === "order_cancel") {
      left.push("the refund credit line that the order cancellation added cannot be removed in Medusa")
    }
  }
  return left
}
