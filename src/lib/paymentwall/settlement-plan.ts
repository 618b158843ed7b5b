import { isBooked, isKnown, type CancellationEntry } from "./cancellation"
import { sameAmount, toDecimal } from "../money"
import { RESERVING_TICKET_STATUSES } from "../../modules/iamport-paymentwall/reservation"
import type { TicketStatus } from "../../modules/iamport-paymentwall/models/cancel-ticket"

/** The parts of a cancel ticket the plan reads. */
export type PlanTicket = {
  id: string
  status: TicketStatus
  amount: number | string
  /** The ledger key of the cancellation this ticket is tied to (cancellation_id, or a derived key). */
  cancellation_id: string | null
  /** A live Medusa Refund that books this ticket (a reversed one is cleared). */
  refund_id: string | null
  requested_at: Date
  waiting_since: Date | null
  rejection_suspected_at: Date | null
  /** The cancel_history keys i'mport showed before this ticket's request was sent; null when not known. */
  history_before?: readonly string[] | null
  /** The reason sent to i'mport with this ticket's request (null for a cancellation made outside Medusa). */
  sent_reason?: string | null
  /** Entries a person said are not this ticket's approval ("keep waiting" on a suspected approval). */
  declined_keys?: readonly string[] | null
}

export type PlanStep =
  /**
   * The entry settles this ticket; `book` when Medusa has no Refund for it yet. `matched_by: "amount"`: the entry
   * gives another reason than the request, and the ticket no longer fits in what i'mport shows left, so Paymentwall
   * can no longer approve it on top: the entry is its approval.
   */
  | { type: "complete"; ticket_id: string; entry: CancellationEntry; book: boolean; matched_by?: "amount" }
  /**
   * The entry gives another reason than this ticket's request, and the ticket still fits: it may be Paymentwall's
   * approval (in a world where i'mport writes its own reason) or a refund made elsewhere. Booked by neither until a
   * person says which; the ticket keeps its amount reserved meanwhile, and Medusa counts the amount once.
   */
  | { type: "suspect_approval"; ticket_id: string; entry: CancellationEntry }
  /** A cancellation nobody asked for in Medusa (i'mport console, chargeback): booked as external. */
  | { type: "external"; entry: CancellationEntry }
  /** A notice hints that Paymentwall said no to this ticket: flag it for a person; the money stays reserved. */
  | { type: "suspect_rejection"; ticket_id: string }

export type PlanInput = {
  history: CancellationEntry[]
  tickets: PlanTicket[]
  /** Ledger keys that Medusa's Refund rows already book. */
  booked: ReadonlySet<string>
  /** A notification about this payment that names no cancellation: how i'mport reports a rejected ticket. */
  rejectionNotice?: { received_at: Date; grace_ms: number }
  /** What i'mport shows left (amount − cancel_amount): a ticket above it can no longer be approved. */
  left?: number | string
}

const AWAITING = new Set<string>(RESERVING_TICKET_STATUSES)

/**
 * Projects a payment's cancellations (transport-neutral, ./cancellation; i'mport V1's cancel_history maps into them
 * in v1/cancel-history) onto Medusa, as steps. Pure, so the rules are pinned by unit tests:
 * - an entry already booked (by its ledger key) is skipped: duplicates and out-of-order webhooks book nothing twice;
 * - an entry settles the ticket that carries its key, else the oldest awaiting ticket of the same amount
 *   (Paymentwall works through tickets in order), else a rejected one of that amount (Paymentwall changed its mind),
 *   else it is external; never a ticket whose request was sent after i'mport already showed the entry, nor one
 *   whose request gave i'mport another reason than the entry carries;
 * - an entry no ticket takes that has the amount of an awaiting ticket whose request gave another reason is that
 *   ticket's approval when the ticket no longer fits in what i'mport shows left (Paymentwall never refunds more
 *   than the transaction), and a suspected approval for a person to decide when it still fits;
 * - a rejection notice only makes the oldest ticket that has waited at least the grace period "rejection
 *   suspected", and only when the notice brought no new entry. It never rejects: an unsigned webhook cannot prove
 *   a rejection, and a re-sent "paid" notice reads exactly like one.
 */
export function planSettlement({ history, tickets, booked, rejectionNotice, left }: PlanInput): PlanStep[] {
  const steps: PlanStep[] = []
  const used = new Set<string>()
  const byAge = [...tickets].sort((a, b) => a.requested_at.getTime() - b.requested_at.getTime())
  // A ticket bound to a key no entry goes by any more (i'mport's answers now leave the id out) is matched like an
  // unbound one, by amount: left bound, its entry would be booked a second time as external. A returned one too.
  const shownNames = new Set(history.flatMap((e) => e.names))
  const unbound = (t: PlanTicket) => !t.cancellation_id || !shownNames.has(t.cancellation_id)
  const awaiting = (t: PlanTicket) => AWAITING.has(t.status) || (t.status === "returned" && unbound(t))

  for (const entry of history) {
    // Only money returned is booked; a cancellation still requested or failed at the transport is not.
    if (entry.status !== "succeeded" || isBooked(entry, booked)) {
      continue
    }
    // An entry i'mport already showed when a ticket's request was sent is never that ticket's, however equal the
    // amounts: a console refund made just before an admin's refund of the same amount is the admin's otherwise.
    const predates = (t: PlanTicket) => !!t.history_before && isKnown(entry, t.history_before)
    // i'mport keeps the reason a cancel was asked with: an entry that gives another reason is someone else's (a
    // refund in i'mport's console of the same amount), not this request settled. An entry with none cannot tell.
    const otherReason = (t: PlanTicket) =>
      !!t.sent_reason && !!entry.reason?.trim() && entry.reason.trim() !== t.sent_reason.trim()
    const pick = (candidates: PlanTicket[]) =>
      candidates.find((t) => !used.has(t.id) && !predates(t) && !otherReason(t))
    // A ticket already bound to the entry's key (i'mport's own answer to its cancel, or an earlier booking) is its
    // ticket whatever the reasons say: only the guesses by amount are filtered.
    const ticket =
      byAge.find((t) => !used.has(t.id) && !!t.cancellation_id && entry.names.includes(t.cancellation_id)) ??
      pick(byAge.filter((t) => awaiting(t) && unbound(t) && sameAmount(t.amount, entry.amount))) ??
      pick(byAge.filter((t) => t.status === "rejected" && unbound(t) && sameAmount(t.amount, entry.amount)))
    if (ticket) {
      used.add(ticket.id)
      steps.push({ type: "complete", ticket_id: ticket.id, entry, book: !ticket.refund_id })
      continue
    }
    const declined = (t: PlanTicket) => !!t.declined_keys && isKnown(entry, t.declined_keys)
    const candidate =
      left === undefined
        ? undefined
        : byAge.find(
            (t) =>
              AWAITING.has(t.status) &&
              !used.has(t.id) &&
              unbound(t) &&
              sameAmount(t.amount, entry.amount) &&
              !predates(t) &&
              !declined(t)
          )
    if (!candidate) {
      steps.push({ type: "external", entry })
      continue
    }
    used.add(candidate.id)
    steps.push(
      toDecimal(candidate.amount).isGreaterThan(toDecimal(left!))
        ? { type: "complete", ticket_id: candidate.id, entry, book: !candidate.refund_id, matched_by: "amount" }
        : { type: "suspect_approval", ticket_id: candidate.id, entry }
    )
  }

  if (rejectionNotice && steps.length === 0) {
    const cutoff = rejectionNotice.received_at.getTime() - rejectionNotice.grace_ms
    const oldest = byAge.find(
      (t) => t.status === "waiting_for_cancellation" && t.waiting_since !== null && t.waiting_since.getTime() <= cutoff
    )
    if (oldest && !oldest.rejection_suspected_at) {
      steps.push({ type: "suspect_rejection", ticket_id: oldest.id })
    }
  }
  return steps
}

/** A ticket as the database holds it (the model's row, or the same columns read with SQL). */
export type TicketRow = {
  id: string
  status: PlanTicket["status"]
  origin: string
  amount: unknown
  reason: string | null
  cancellation_id: string | null
  refund_id: string | null
  requested_at: Date | string
  waiting_since: Date | string | null
  rejection_suspected_at: Date | string | null
  metadata: unknown
}

export function planTicketOf(ticket: TicketRow): PlanTicket {
  const date = (value: Date | string | null) => (value ? new Date(value) : null)
  const metadata = ticket.metadata as { history_before?: unknown; declined_approvals?: unknown } | null
  const before = metadata?.history_before
  const declined = metadata?.declined_approvals
  return {
    id: ticket.id,
    status: ticket.status,
    amount: ticket.amount as number | string,
    cancellation_id: ticket.cancellation_id,
    refund_id: ticket.refund_id,
    requested_at: new Date(ticket.requested_at),
    waiting_since: date(ticket.waiting_since),
    rejection_suspected_at: date(ticket.rejection_suspected_at),
    history_before: Array.isArray(before) ? before.filter((k): k is string => typeof k === "string") : null,
    // What the request told i'mport; an external ticket's reason is the entry's own, never a request's.
    sent_reason: ticket.origin === "external" ? null : ticket.reason,
    declined_keys: Array.isArray(declined) ? declined.filter((k): k is string => typeof k === "string") : null,
  }
}

/** The entry a settlement found that may be a ticket's approval (a suspect_approval step), kept in its metadata. */
export type ApprovalCandidate = {
  key: string
  amount: number
  reason: string | null
  cancelled_at: number
  since: string
}

export function approvalCandidateOf(metadata: unknown): ApprovalCandidate | null {
  const candidate = (metadata as { approval_candidate?: ApprovalCandidate } | null)?.approval_candidate
  return candidate && typeof candidate.key === "string" ? candidate : null
}
