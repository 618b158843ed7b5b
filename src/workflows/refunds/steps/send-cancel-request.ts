import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { type GateConnection, ProviderReservations } from "../../../lib/provider-reservations"
import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportSnapshot } from "../../../lib/paymentwall/payment-data"
import { bookedKeys, ledgerOf } from "../../settlement/utils/ledger"
import { isBooked } from "../../../lib/paymentwall/cancellation"
import { freeFromSnapshot, freeToRefund } from "../../../lib/paymentwall/free-to-refund"
import { toDecimal } from "../../../lib/money"
import type { IamportPayment } from "../../../lib/iamport/types"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { planTicketOf } from "../../../lib/paymentwall/settlement-plan"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import type { CancelRequestPlan } from "./validate-cancel-request"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { paymentOfSession } from "../../../lib/order-payments"

/**
 * Sends the ticket's cancel to i'mport once and records the answer on the ticket. A Paymentwall ticket waits; a
 * refusal fails the ticket and the request with i'mport's reason; a lost answer leaves the ticket `requested` and
 * flagged, because it may have been accepted. A cancellation i'mport settles in its answer, or an answer that shows
 * cancellations Medusa has not booked, is handed to the calling workflow's settlement (`settle_from`).
 */
export type SentCancelRequest = {
  ticket_id: string
  /** i'mport's payment as the cancel's answer shows it, when the answer needs a settlement; otherwise null. */
  settle_from: PaymentView | null
  /** When the cancel was sent: the snapshot a settlement keeps is stamped with it. */
  read_at: string
}

export const sendCancelRequestStepId = "iamport-paymentwall-send-cancel-request"

export const sendCancelRequestStep = createStep(
  sendCancelRequestStepId,
  async ({ plan, ticket_id }: { plan: CancelRequestPlan; ticket_id: string }, { container }) => {
    const tickets = paymentwallModule(container)
    const provider = paymentwallProvider(container, plan.provider_id)
    let outcome: Awaited<ReturnType<typeof provider.cancelAtIamport>>
    const sentAt = new Date()
    try {
      // Checked against i'mport's balance less what other tickets still ask Paymentwall for: a cancellation i'mport
      // made that Medusa has not booked yet is in that balance, a pending Paymentwall ticket is not.
      // Read under the provider gate's lock, after this ticket was saved: a refund Medusa asks the provider for at
      // this moment is either seen here or sees this ticket (lib/provider-reservations).
      const gate = new ProviderReservations(
        container.resolve<GateConnection>(ContainerRegistrationKeys.PG_CONNECTION),
        (sessionId) => paymentOfSession(container, sessionId)
      )
      const others = (await gate.ticketsLocked(plan.imp_uid)).filter((t) => t.id !== ticket_id)
      // As the kept snapshot stands (freeFromSnapshot), and after a fresh read (freeToRefund): the one definition of
      // what is free, in which an approval i'mport shows whose notice is not processed yet is in cancel_amount, and
      // is not held back as waiting as well.
      const reserved = plan.snapshot ? freeFromSnapshot(plan.snapshot, others).waiting : toDecimal(0)
      const booked = bookedKeys(await ledgerOf(container, plan.imp_uid))
      const reservedIn = (payment: IamportPayment) =>
        freeToRefund({ iamport: payment, tickets: others.map(planTicketOf), booked }).waiting.toNumber()
      const request = { amount: plan.amount, reason: plan.reason, reserved: reserved.toNumber(), reservedIn }
      outcome = await provider.cancelAtIamport(plan.imp_uid, request, await currentSnapshot(container, plan))
    } catch (error) {
      // Thrown with nothing accepted (lookup, ownership, balance, after a refused first send too): nothing to wait for.
      const message = error instanceof Error ? error.message : String(error)
      await tickets.updateCancelTickets({ id: ticket_id, status: "failed", error: message, settled_at: new Date() })
      throw error
    }

    if (outcome.kind === "refused") {
      await tickets.updateCancelTickets({
        id: ticket_id,
        status: "failed",
        error: outcome.message,
        settled_at: new Date(),
      })
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport refused the refund: ${outcome.message}`)
    }
    // Entries i'mport showed before the request are never its own, whatever their amount (see planSettlement).
    const { metadata } = await tickets.retrieveCancelTicket(ticket_id, { select: ["metadata"] })
    const known = Array.isArray(metadata?.history_before) ? (metadata.history_before as string[]) : []
    const withHistory = { ...(metadata ?? {}), history_before: [...new Set([...known, ...outcome.history_before])] }
    if (outcome.kind === "unknown") {
      await tickets.updateCancelTickets({
        id: ticket_id,
        needs_attention: true,
        error: outcome.message,
        metadata: withHistory,
      })
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, outcome.message)
    }

    const now = new Date()
    await tickets.updateCancelTickets({
      id: ticket_id,
      status: "waiting_for_cancellation",
      waiting_since: now,
      last_checked_at: now,
      metadata: withHistory,
      ...(outcome.kind === "completed" ? { cancellation_id: outcome.entry.cancellation_id } : {}),
    })
    // Settled in i'mport's answer, or the answer shows cancellations Medusa has not booked (an approval whose notice
    // is still on its way): booked in this request by the workflow's settlement, from the payment that answer carries.
    const settle = outcome.kind === "completed" || (await hasUnbookedEntries(container, outcome.view))
    return new StepResponse<SentCancelRequest>({
      ticket_id,
      settle_from: settle ? outcome.view : null,
      read_at: sentAt.toISOString(),
    })
  }
)

/**
 * The snapshot of i'mport's payment to send from, when nothing the plugin knows is newer: it is younger than the
 * inbox's retention, every cancellation the ledger has seen is in it, and no cancellation notice came after it.
 * One it cannot know of (a console refund whose notice was lost) makes i'mport refuse on the checksum, and the
 * provider reads again (see cancelFromView).
 */
async function currentSnapshot(container: MedusaContainer, plan: CancelRequestPlan): Promise<IamportSnapshot | null> {
  const snapshot = plan.snapshot
  if (!snapshot?.history_keys || !snapshot.checked_at) {
    return null
  }
  // The inbox forgets notices after its retention: an older snapshot cannot be proved current by it.
  const retentionMs = paymentwallModule(container).settings().webhookRetentionDays * 86_400_000
  if (Date.now() - new Date(snapshot.checked_at).getTime() >= retentionMs) {
    return null
  }
  const seen = new Set(snapshot.history_keys)
  const ledger = await ledgerOf(container, plan.imp_uid)
  if (![...ledger.keys()].every((key) => seen.has(key))) {
    return null
  }
  const later = await paymentwallModule(container).listWebhookEvents(
    { imp_uid: plan.imp_uid, status: "cancelled", received_at: { $gte: new Date(snapshot.checked_at) } },
    { select: ["id"], take: 1 }
  )
  return later.length ? null : snapshot
}

async function hasUnbookedEntries(container: MedusaContainer, payment: PaymentView): Promise<boolean> {
  const booked = bookedKeys(await ledgerOf(container, payment.id))
  return payment.cancellations.some((entry) => !isBooked(entry, booked))
}
