import type { MedusaContainer } from "@medusajs/framework/types"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { ledgerOf, ledgerRows } from "./ledger"
import type { PaymentState } from "./payment-state"

/**
 * Tickets for cancels that Medusa sent through the provider itself (order cancel, cart compensation): Medusa
 * booked those Refunds at once, and the provider recorded each request in payment.data under the refund id.
 */
export async function adoptRecordedRefunds(
  container: MedusaContainer,
  state: PaymentState,
  payment: PaymentView
): Promise<void> {
  const records = state.data.cancel_requests ?? {}
  const service = paymentwallModule(container)
  const ledger = await ledgerOf(container, payment.id)
  const tickets = await service.listCancelTickets(
    { payment_id: state.id },
    { select: ["id", "origin", "order_id", "refund_id", "metadata", "cancellation_id"] }
  )
  await nameProviderTickets(container, state, tickets)
  const tracked = new Set(
    tickets.flatMap((t) => [t.refund_id, (t.metadata as { reversed_refund_id?: string } | null)?.reversed_refund_id])
  )
  // A record naming a cancellation that a ticket already carries is an interrupted booking of that ticket: the
  // booking itself finds its Refund (bookCancellation), and a second ticket for one cancellation is refused.
  const ticketKeys = new Set(tickets.map((t) => t.cancellation_id).filter(Boolean))
  const bookedRefunds = new Set(ledgerRows(ledger).map((row) => row.refund_id))
  for (const refundId of state.refund_ids) {
    const record = records[refundId]
    // A refund the ledger books is the plugin's own booking, tracked by its ticket.
    if (
      !record ||
      tracked.has(refundId) ||
      bookedRefunds.has(refundId) ||
      (record.cancellation_id && ticketKeys.has(record.cancellation_id))
    ) {
      continue
    }
    const at = new Date(record.requested_at)
    await service.createCancelTickets({
      payment_id: state.id,
      provider_id: state.provider_id,
      order_id: state.order_id,
      imp_uid: payment.id,
      merchant_uid: payment.merchant_uid,
      amount: record.amount,
      currency_code: state.currency_code,
      origin: !state.order_id ? "compensation" : state.order_status === "canceled" ? "order_cancel" : "admin",
      // Open until the ledger ties it to a cancellation, in this same run when i'mport already shows it
      // (the cancellation_id i'mport gave in its answer to the cancel, if it settled at once).
      status: record.status === "requested" ? "requested" : "waiting_for_cancellation",
      reason: record.reason,
      cancellation_id: record.cancellation_id ?? null,
      refund_id: refundId,
      requested_at: at,
      waiting_since: record.status === "requested" ? null : at,
      needs_attention: record.status === "requested",
      error: record.error ?? null,
      metadata: { booked_by_medusa_before_settlement: true, history_before: record.history_before ?? null },
    })
  }
}

/**
 * The provider saves a ticket for each cancel Medusa asks it for before it knows why (lib/provider-reservations):
 * an order's cancel is named once the order shows cancelled, and a checkout undone before its order existed gets
 * the order it then has.
 */
async function nameProviderTickets(
  container: MedusaContainer,
  state: PaymentState,
  tickets: { id: string; origin: string; order_id: string | null; refund_id: string | null; metadata: unknown }[]
): Promise<void> {
  const updates = tickets
    .filter((t) => (t.metadata as { via_provider?: boolean } | null)?.via_provider)
    .map((t) => ({
      id: t.id,
      ...(t.origin === "admin" && t.refund_id && state.order_status === "canceled"
        ? { origin: "order_cancel" as const }
        : {}),
      ...(!t.order_id && state.order_id ? { order_id: state.order_id } : {}),
    }))
    .filter((update) => Object.keys(update).length > 1)
  if (updates.length) {
    await paymentwallModule(container).updateCancelTickets(updates)
  }
}
