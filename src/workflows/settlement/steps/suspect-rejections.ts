import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PlanStep } from "../../../lib/paymentwall/settlement-plan"
import { loadPaymentState, type PaymentFacts } from "../utils/payment-state"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { CancellationEntry } from "../../../lib/paymentwall/cancellation"
import { formatAmount } from "../../../lib/money"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { TICKET_REJECTION_SUSPECTED_EVENT, type TicketEvent, ticketEvent } from "../utils/events"
import { type FlagChange, flagChanges, flagsBefore, undoFlagChanges } from "../utils/ticket-flags"

export const suspectRejectionsStepId = "iamport-paymentwall-suspect-rejections"

/** Flags the tickets a notice hints Paymentwall rejected, and those an entry may have approved, for a person to decide; undone if the workflow fails. */
export const suspectRejectionsStep = createStep(
  suspectRejectionsStepId,
  async (
    { payment_id, plan, state }: { payment_id: string; plan: PlanStep[]; state?: PaymentFacts | null },
    { container }
  ) => {
    const ids = suspectedTicketIds(plan)
    const approvals = await suspectApprovals(container, payment_id, suspectedApprovals(plan))
    if (!ids.length) {
      return new StepResponse<{ suspected: string[]; events: TicketEvent[] }, FlagChange[]>(
        { suspected: approvals.flagged, events: [] },
        approvals.changes
      )
    }
    const { suspected, events, changes } = await suspectRejections(
      container,
      state ?? (await loadPaymentState(container, payment_id)),
      ids
    )
    return new StepResponse({ suspected: [...suspected, ...approvals.flagged], events }, [
      ...changes,
      ...approvals.changes,
    ])
  },
  async (changes, { container }) => {
    await undoFlagChanges(container, changes ?? [])
  }
)

const SUSPICION =
  "A notice from i'mport suggests Paymentwall rejected this cancellation, but i'mport's API cannot prove it. " +
  "Check the ticket in Paymentwall's merchant area, then confirm the rejection or keep waiting. The amount stays reserved until then."

/**
 * Tickets a notice hints Paymentwall rejected: flagged for a person, who confirms or keeps waiting. The amount stays
 * reserved; a notice is unauthenticated and i'mport's API cannot prove a rejection.
 */
export async function suspectRejections(
  container: MedusaContainer,
  payment: { id: string; order_id: string | null },
  ticketIds: string[]
): Promise<{ suspected: string[]; events: TicketEvent[]; changes: FlagChange[] }> {
  if (!ticketIds.length) {
    return { suspected: [], events: [], changes: [] }
  }
  const service = paymentwallModule(container)
  const before = await flagsBefore(container, ticketIds)
  const tickets = await service.listCancelTickets({ id: ticketIds, payment_id: payment.id })
  await service.updateCancelTickets(
    tickets.map((t) => ({ id: t.id, rejection_suspected_at: new Date(), needs_attention: true, error: SUSPICION }))
  )
  return {
    suspected: tickets.map((t) => t.id),
    events: tickets.map((t) => ticketEvent(TICKET_REJECTION_SUSPECTED_EVENT, t, payment)),
    changes: await flagChanges(
      container,
      before,
      tickets.map((t) => t.id)
    ),
  }
}

/** The tickets a plan suspects Paymentwall rejected. */
export function suspectedTicketIds(plan: readonly { type: string; ticket_id?: string }[]): string[] {
  return plan.flatMap((step) => (step.type === "suspect_rejection" && step.ticket_id ? [step.ticket_id] : []))
}

/** The suspected-approval steps of a plan: a ticket, and the entry that may be its approval. */
export type SuspectedApproval = { ticket_id: string; entry: CancellationEntry }

export function suspectedApprovals(plan: readonly { type: string }[]): SuspectedApproval[] {
  return plan.flatMap((step) => (step.type === "suspect_approval" ? [step as unknown as SuspectedApproval] : []))
}

/**
 * Tickets that an entry with another reason may have settled (see planSettlement): flagged at once, with the entry,
 * for a person to say whether it is Paymentwall's approval (it is then booked to the ticket) or not (it is then
 * booked as made outside Medusa, and the ticket waits on). A ticket already flagged for that entry is left as is.
 */
export async function suspectApprovals(
  container: MedusaContainer,
  paymentId: string,
  suspected: SuspectedApproval[]
): Promise<{ flagged: string[]; changes: FlagChange[] }> {
  if (!suspected.length) {
    return { flagged: [], changes: [] }
  }
  const service = paymentwallModule(container)
  const ids = suspected.map((s) => s.ticket_id)
  const tickets = new Map((await service.listCancelTickets({ id: ids, payment_id: paymentId })).map((t) => [t.id, t]))
  const fresh = suspected.filter(({ ticket_id, entry }) => {
    const ticket = tickets.get(ticket_id)
    const candidate = (ticket?.metadata as { approval_candidate?: { key?: string } } | null)?.approval_candidate
    return !!ticket && !(ticket.needs_attention && candidate?.key && entry.knownAs.includes(candidate.key))
  })
  const before = await flagsBefore(
    container,
    fresh.map((s) => s.ticket_id)
  )
  await service.updateCancelTickets(
    fresh.map(({ ticket_id, entry }) => ({
      id: ticket_id,
      needs_attention: true,
      error:
        `i'mport shows a cancellation of ${formatAmount(entry.amount)} with another reason ("${entry.reason || "none"}") than this request. ` +
        `If it is Paymentwall's approval of this ticket, say so; if not, keep waiting (it is then booked as a refund made outside Medusa). ` +
        `The amount is counted once until then.`,
      metadata: {
        ...(tickets.get(ticket_id)!.metadata ?? {}),
        approval_candidate: {
          key: entry.key,
          amount: entry.amount,
          reason: entry.reason ?? null,
          cancelled_at: entry.cancelled_at,
          since: new Date().toISOString(),
        },
      },
    }))
  )
  return {
    flagged: fresh.map((s) => s.ticket_id),
    changes: await flagChanges(
      container,
      before,
      fresh.map((s) => s.ticket_id)
    ),
  }
}
