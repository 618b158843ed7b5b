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
 * A PaymentState as one step hands it to the next: plain JSON (amounts as decimal strings, times as ISO strings),
 * which the workflow engine may store and read back, so a settlement reads Medusa's payment once and its steps
 * share that read. Only what steps between the read and the use do not change is handed on (they write tickets and
 * the ledger, never the payment); after a booking the state is read again, since Medusa wrote it.
 */
export type PlainPaymentState = Omit<
  PaymentState,
  "captured" | "refunded" | "refunds" | "captured_at" | "canceled_at"
> & {
  captured: string
  refunded: string
  refunds: { id: string; amount: string; created_at: string }[]
  captured_at: string | null
  canceled_at: string | null
}

const isoOrNull = (at: Date | string | null) => (at ? new Date(at).toISOString() : null)

export function plainPaymentState(state: PaymentState): PlainPaymentState {
  return {
    ...state,
    captured: state.captured.toFixed(),
    refunded: state.refunded.toFixed(),
    refunds: state.refunds.map((r) => ({
      id: r.id,
      amount: r.amount.toFixed(),
      created_at: r.created_at.toISOString(),
    })),
    captured_at: isoOrNull(state.captured_at),
    canceled_at: isoOrNull(state.canceled_at),
  }
}

export function paymentStateOf(plain: PlainPaymentState): PaymentState {
  return {
    ...plain,
    captured: MathBN.convert(plain.captured),
    refunded: MathBN.convert(plain.refunded),
    refunds: plain.refunds.map((r) => ({
      id: r.id,
      amount: MathBN.convert(r.amount),
      created_at: new Date(r.created_at),
    })),
    captured_at: plain.captured_at ? new Date(plain.captured_at) : null,
    canceled_at: plain.canceled_at ? new Date(plain.canceled_at) : null,
  }
}
