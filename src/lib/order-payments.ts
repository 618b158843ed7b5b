import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { isPaymentwallProviderId } from "./paymentwall/provider-id"

/** A payment of an order as query returns it, with the fields asked for. */
export type OrderPaymentRow = {
  id: string
  provider_id: string
  amount: number
  currency_code: string
  captured_at: Date | null
  data: (Record<string, unknown> & { imp_uid?: string | null; merchant_uid?: string }) | null
  refunds: { amount: number }[] | null
}

export type OrderPaymentField = Exclude<keyof OrderPaymentRow, "id" | "provider_id">

/**
 * The Paymentwall payments of an order (of any of its payment collections), with the fields asked for; null when
 * the order does not exist. Other providers' payments are left out.
 */
export async function paymentwallPaymentsOfOrder(
  container: MedusaContainer,
  orderId: string,
  fields: readonly OrderPaymentField[]
): Promise<{ status: string | null; payments: OrderPaymentRow[] } | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const wanted = ["id", "provider_id", ...fields].map((f) =>
    f === "refunds" ? "payment_collections.payments.refunds.amount" : `payment_collections.payments.${f}`
  )
  const { data } = await query.graph({ entity: "order", fields: ["id", "status", ...wanted], filters: { id: orderId } })
  const order = data[0] as { status?: string; payment_collections?: { payments?: OrderPaymentRow[] }[] } | undefined
  if (!order) {
    return null
  }
  const payments = (order.payment_collections ?? [])
    .flatMap((c) => c.payments ?? [])
    .filter((p) => isPaymentwallProviderId(p.provider_id))
  return { status: order.status ?? null, payments }
}

/** The Medusa payment behind a payment session (a merchant_uid names its session). */
export async function paymentIdForSession(container: MedusaContainer, sessionId: string): Promise<string | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment", fields: ["id"], filters: { payment_session_id: sessionId } })
  return (data[0] as { id?: string } | undefined)?.id ?? null
}

/** The i'mport attempt a Medusa payment captured (its data's imp_uid), or null when it names none. */
export async function capturedImpUidOf(container: MedusaContainer, paymentId: string): Promise<string | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment", fields: ["id", "data"], filters: { id: paymentId } })
  const impUid = (data[0] as { data?: { imp_uid?: unknown } | null } | undefined)?.data?.imp_uid
  return typeof impUid === "string" && impUid ? impUid : null
}
