import type {
  IOrderModuleService,
  IPaymentModuleService,
  MedusaContainer,
  UpdatePaymentCollectionDTO,
} from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { sameAmount } from "../../../lib/money"
import type { PaymentState } from "./payment-state"

/**
 * Removes a Refund row and what Medusa derived from it: the collection's refunded_amount and the order's refund
 * transaction. Used when Paymentwall's rejection of an optimistic refund is confirmed, and to undo a booking
 * whose order part Medusa refused. Returns what could not be undone.
 */
export async function removeRefund(
  container: MedusaContainer,
  state: Pick<PaymentState, "id" | "payment_collection_id" | "order_id">,
  refund: { id: string; amount: unknown },
  /** Medusa booked it through refundPaymentsWorkflow (cancel-order, compensation), whose transaction names the payment. */
  bookedByRefundPayments: boolean
): Promise<string[]> {
  const left: string[] = []
  await container.resolve<IPaymentModuleService>(Modules.PAYMENT).deleteRefunds([refund.id])
  await recomputeRefundedAmount(container, state.payment_collection_id)

  if (state.order_id) {
    const orders = container.resolve<IOrderModuleService>(Modules.ORDER)
    // refundPaymentsWorkflow (cancel-order, compensation) references the payment; refundPaymentWorkflow the refund.
    const transactions = await orders.listOrderTransactions({
      order_id: state.order_id,
      reference: "refund",
      reference_id: [refund.id, state.id],
    })
    const match =
      transactions.find((t) => t.reference_id === refund.id) ??
      (bookedByRefundPayments
        ? transactions.find(
            (t) => t.reference_id === state.id && sameAmount(MathBN.mult(t.amount as never, -1), refund.amount as never)
          )
        : undefined)
    if (match) {
      await orders.deleteOrderTransactions([match.id])
    } else if (bookedByRefundPayments) {
      left.push("the order's refund transaction was not found")
    }
  }
  return left
}

/** The module recomputes a collection's refunded_amount only when it books; recompute it from the refunds there are. */
export async function recomputeRefundedAmount(container: MedusaContainer, paymentCollectionId: string): Promise<void> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment_collection",
    fields: ["id", "payments.refunds.amount"],
    filters: { id: paymentCollectionId },
  })
  const collection = data[0] as { payments?: { refunds?: { amount: number }[] }[] } | undefined
  const refunded = (collection?.payments ?? [])
    .flatMap((p) => p.refunds ?? [])
    .reduce((total, r) => MathBN.add(total, r.amount), MathBN.convert(0))
  await container.resolve<IPaymentModuleService>(Modules.PAYMENT).updatePaymentCollections(paymentCollectionId, {
    refunded_amount: refunded,
  } as unknown as UpdatePaymentCollectionDTO)
}
