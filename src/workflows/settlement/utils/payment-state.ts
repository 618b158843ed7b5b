import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, MathBN } from "@medusajs/framework/utils"
import type { PaymentwallData } from "../../../lib/paymentwall/payment-data"

export type PaymentState = {
  id: string
  provider_id: string
  amount: number
  currency_code: string
  captured_at: Date | null
  canceled_at: Date | null
  payment_collection_id: string
  data: PaymentwallData & Record<string, unknown>
  captured: ReturnType<typeof MathBN.convert>
  refunded: ReturnType<typeof MathBN.convert>
  refund_ids: string[]
  refunds: { id: string; amount: ReturnType<typeof MathBN.convert>; created_at: Date }[]
  order_id: string | null
  order_status: string | null
}

/** The payment row as query returns it; PaymentState adds the derived totals and the order. */
type Row = Pick<
  PaymentState,
  "id" | "provider_id" | "amount" | "currency_code" | "captured_at" | "canceled_at" | "payment_collection_id"
> & {
  payment_session_id: string | null
  data: Record<string, unknown> | null
  captures: { amount: number }[] | null
  refunds: { id: string; amount: number; created_at: Date | string }[] | null
}

/** A Medusa payment with what the ticket workflows weigh: captured and refunded totals, its order, its data. */
export async function loadPaymentState(container: MedusaContainer, paymentId: string): Promise<PaymentState> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: [
      "id",
      "provider_id",
      "amount",
      "currency_code",
      "captured_at",
      "canceled_at",
      "payment_collection_id",
      "payment_session_id",
      "data",
      "captures.amount",
      "refunds.id",
      "refunds.amount",
      "refunds.created_at",
    ],
    filters: { id: paymentId },
  })
  const row = data[0] as unknown as Row | undefined
  if (!row) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment ${paymentId} was not found.`)
  }
  const { data: links } = await query.graph({
    entity: "order_payment_collection",
    fields: ["order_id", "order.status"],
    filters: { payment_collection_id: row.payment_collection_id },
  })
  const link = links[0] as { order_id?: string; order?: { status?: string } } | undefined
  const sum = (items: { amount: number }[] | null) =>
    (items ?? []).reduce((total, item) => MathBN.add(total, item.amount), MathBN.convert(0))
  return {
    id: row.id,
    provider_id: row.provider_id,
    amount: Number(row.amount),
    currency_code: row.currency_code,
    captured_at: row.captured_at,
    canceled_at: row.canceled_at,
    payment_collection_id: row.payment_collection_id,
    data: (row.data ?? {}) as PaymentwallData & Record<string, unknown>,
    captured: MathBN.convert(sum(row.captures)),
    refunded: MathBN.convert(sum(row.refunds)),
    refund_ids: (row.refunds ?? []).map((r) => r.id),
    refunds: (row.refunds ?? []).map((r) => ({
      id: r.id,
      amount: MathBN.convert(r.amount),
      created_at: new Date(r.created_at),
    })),
    order_id: link?.order_id ?? null,
    order_status: link?.order?.status ?? null,
  }
}

/**
 * What the steps after a settlement's read take of Medusa's payment: plain JSON (the captured total as a decimal
 * string), which the workflow engine may store, and nothing of the payment's data (the buyer's details stay out of
 * the engine's checkpoints). The suspicion and flag steps read nothing else of it, so a settlement reads the payment
 * once before its booking. The booking itself reads afresh: a booking taken over from a frozen process decides on
 * the Refunds Medusa holds at that moment, never on an earlier read.
 */
export type PaymentFacts = Pick<PaymentState, "id" | "order_id" | "currency_code"> & { captured: string }

export function paymentFactsOf(state: PaymentState): PaymentFacts {
  return {
    id: state.id,
    order_id: state.order_id,
    currency_code: state.currency_code,
    captured: state.captured.toFixed(),
  }
}
