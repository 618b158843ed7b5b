import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
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
export async function paymentIdForSession(
  container: Pick<MedusaContainer, "resolve">,
  sessionId: string
): Promise<string | null> {
  if (typeof sessionId !== "string" || !sessionId) {
    // An absent filter would read every payment, and the first would be taken for this session's.
    return null
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "payment_session_id", "created_at"],
    filters: { payment_session_id: sessionId },
  })
  return latestOfSession(data as SessionPaymentRow[], sessionId)?.id ?? null
}

/** The i'mport attempt a Medusa payment captured (its data's imp_uid), or null when it names none. */
export async function capturedImpUidOf(container: MedusaContainer, paymentId: string): Promise<string | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment", fields: ["id", "data"], filters: { id: paymentId } })
  const impUid = (data[0] as { data?: { imp_uid?: unknown } | null } | undefined)?.data?.imp_uid
  return typeof impUid === "string" && impUid ? impUid : null
}

/** The Medusa payment behind a payment session, and the order its collection belongs to (null before checkout ends). */
export type PaymentOfSession = { id: string; provider_id: string; order_id: string | null }

/**
 * Read through Medusa's query (the payment module and the order link), not its tables, so that no code of the
 * plugin leans on core's schema. The latest payment of the session, as a session is authorized once.
 */
export async function paymentOfSession(
  container: Pick<MedusaContainer, "resolve">,
  sessionId: string
): Promise<PaymentOfSession> {
  if (typeof sessionId !== "string" || !sessionId) {
    // An absent filter would read every payment: refused before query is asked.
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "No payment session was given; nothing was sent to i'mport.")
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY, { allowUnregistered: true })
  if (!query) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      "Medusa's query is not available to the iamport-paymentwall plugin, so it cannot tell which order a payment " +
        "belongs to; nothing was sent to i'mport. The plugin must run inside a loaded Medusa application, with the " +
        "store's one copy of @medusajs/framework (a plugin linked by path with its own copy sees an empty container)."
    )
  }
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "provider_id", "payment_session_id", "created_at", "payment_collection.order.id"],
    filters: { payment_session_id: sessionId },
  })
  const latest = latestOfSession(
    data as (SessionPaymentRow & {
      provider_id: string
      payment_collection?: { order?: { id?: string } | null } | null
    })[],
    sessionId
  )
  if (!latest) {
    throw new MedusaError(
      MedusaError.Types.NOT_FOUND,
      `No Medusa payment was found for payment session ${sessionId}; nothing was sent to i'mport.`
    )
  }
  return { id: latest.id, provider_id: latest.provider_id, order_id: latest.payment_collection?.order?.id ?? null }
}

type SessionPaymentRow = { id: string; payment_session_id: string | null; created_at: string | Date }

/** This session's latest payment among what query answered (a session is authorized once; rows of others dropped). */
function latestOfSession<T extends SessionPaymentRow>(rows: T[], sessionId: string): T | undefined {
  return rows
    .filter((row) => row.payment_session_id === sessionId)
    .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime())[0]
}
