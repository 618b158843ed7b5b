import { randomUUID } from "node:crypto"
import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { MathBN, MedusaError, Modules, OrderStatus } from "@medusajs/framework/utils"
import type { CancellationEntry } from "../../../lib/paymentwall/cancellation"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { formatAmount } from "../../../lib/money"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { RECORD_ONLY_KEY, type RecordOnlyMarker } from "../../../lib/paymentwall/payment-data"
import { runAsSettlementBooking } from "../../../lib/paymentwall/settlement-booking"
import {
  accountedRefunds,
  bookedTotal,
  type Cancellation,
  ledgerOf,
  ledgerRows,
  refundOfInterruptedBooking,
} from "./ledger"
import { beatClaim, claimCancellation, markBlocked, markBooked, writeOwnClaim } from "./ledger-claim"
import { activeOrderChangeReason } from "./order-change"
import { loadPaymentState, type PaymentState } from "./payment-state"
import { recomputeRefundedAmount, removeRefund } from "./reverse-refund"
import { type CancelTicket, paymentwallModule } from "../../../modules/iamport-paymentwall"
import { errorMessage } from "../../../lib/error-message"
import { type ClaimHeartbeat, keepClaimAlive } from "./claim-heartbeat"
import { bookInMedusa, clearRecordOnlyMarker, currentData, medusaFinished, withData } from "./medusa-booking"
import { candidateDecided } from "./complete-ticket"

export type BookingOutcome =
  | { kind: "booked"; refund_id: string; state: PaymentState }
  /** Another process claimed it moments ago and may still be booking it: the next run looks again. */
  | { kind: "in_flight"; state: PaymentState }
  /** i'mport returned the money; Medusa refused the booking for now. Nothing was left half-booked. */
  | { kind: "blocked"; reason: string; state: PaymentState }

/**
 * Books one cancellation that i'mport shows, exactly once: the ledger row is claimed first (a
 * unique key per cancellation), then Medusa books it through its own refundPaymentWorkflow, so the Refund, the
 * order transaction, the credit line and `payment.refunded` are Medusa's and not a copy of its maths. The
 * record-only marker makes the provider record instead of cancelling at i'mport again. Runs under the payment's
 * lock, on a fresh state.
 *
 * A booking Medusa refuses (an open order change) is undone, never half-kept: the Refund it made is removed, only
 * the marker is cleared in the payment's data (re-read, never written back from before), and the ticket waits as
 * `returned` with Medusa's reason until a later run books it.
 */
export async function bookCancellation(
  container: MedusaContainer,
  current: PaymentState,
  payment: PaymentView,
  ticket: CancelTicket,
  entry: CancellationEntry
): Promise<BookingOutcome> {
  const leaseSeconds = paymentwallProvider(container, current.provider_id).lockTtlSeconds()
  const owner = randomUUID()
  const { row, resumed, in_flight } = await claimCancellation(container, current, payment.id, ticket.id, entry, {
    owner,
    leaseSeconds,
  })
  if (in_flight) {
    return { kind: "in_flight", state: current }
  }
  if (row.status === "closed") {
    // A person closed it for good (under this payment's lock, so a plan made before that cannot reach here).
    return { kind: "blocked", reason: row.closed_reason ?? "Closed by a person", state: current }
  }
  if (row.status === "booked" && row.refund_id) {
    await completeTicket(container, ticket, entry, row.refund_id)
    return { kind: "booked", refund_id: row.refund_id, state: current }
  }
  if (row.status !== "claimed" || row.claim_owner !== owner) {
    return { kind: "in_flight", state: current }
  }
  const heartbeat = keepClaimAlive(container, row.id, owner, leaseSeconds)
  try {
    return await bookClaimed(container, current, payment, ticket, entry, { row, resumed, owner, heartbeat })
  } finally {
    heartbeat.stop()
  }
}

async function bookClaimed(
  container: MedusaContainer,
  current: PaymentState,
  payment: PaymentView,
  ticket: CancelTicket,
  entry: CancellationEntry,
  { row, resumed, owner, heartbeat }: { row: Cancellation; resumed: boolean; owner: string; heartbeat: ClaimHeartbeat }
): Promise<BookingOutcome> {
  let state = current
  if (ticket.cancellation_id !== entry.key) {
    // Bound before Medusa books: a second ticket can never take this cancellation (unique per payment), and a
    // run that finds the provider's record of an unfinished booking knows whose it is.
    await paymentwallModule(container).updateCancelTickets({ id: ticket.id, cancellation_id: entry.key })
  }
  if (resumed) {
    // Taken over from a booking that died: make sure it is still ours before touching what it left.
    await heartbeat.confirm()
    const tickets = await paymentwallModule(container).listCancelTickets({ payment_id: state.id })
    const ledger = ledgerRows(await ledgerOf(container, payment.id)).filter((r) => r.id !== row.id)
    const refundId = refundOfInterruptedBooking(state, row, accountedRefunds(ledger, tickets))
    if (refundId && (await medusaFinished(container, state, refundId))) {
      await recomputeRefundedAmount(container, state.payment_collection_id)
      await markBooked(container, row, refundId, owner)
      await completeTicket(container, ticket, entry, refundId)
      return { kind: "booked", refund_id: refundId, state: await loadPaymentState(container, state.id) }
    }
    if (refundId) {
      // Medusa's side stopped half-way (no provider record, or no order transaction): undo the Refund whole and
      // book again, rather than keep a Refund the order knows nothing of.
      await removeRefund(
        container,
        state,
        state.refunds.find((r) => r.id === refundId)!,
        false
      )
      await clearRecordOnlyMarker(container, state.id)
      state = await loadPaymentState(container, state.id)
    }
  }

  const obstacle = await bookingObstacle(container, state, payment, row)
  if (obstacle) {
    return block(container, state, row, ticket, entry, obstacle, owner)
  }

  if (row.refund_id) {
    // An earlier booking took this claim and was undone: the provider's record-only call takes it afresh.
    await writeOwnClaim(container, row, owner, "refund_id = null", [])
  }
  const marker: RecordOnlyMarker = {
    // The row's own key (an older form for a row written before keys changed), which the provider takes the claim by.
    cancellation_id: row.key,
    amount: entry.amount,
    reason: ticket.reason ?? entry.reason ?? null,
    set_at: new Date().toISOString(),
    claim_owner: owner,
  }
  // The fence: a booking thought dead (a frozen process) and taken over stops here, before anything is booked. From
  // here on the claim counts as alive for the lock's whole lifetime: nothing can stop Medusa's workflow half-way.
  await heartbeat.confirm(true)
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  // The data as it is now, not as this run read it: an older copy written back would erase a record.
  await payments.updatePayment(
    withData(state.id, { ...(await currentData(container, state.id)), [RECORD_ONLY_KEY]: marker })
  )
  try {
    // As this booking: should this process pause here and be taken over, the provider refuses its refund on waking.
    await runAsSettlementBooking({ imp_uid: payment.id, cancellation_id: row.key, claim_owner: owner }, () =>
      bookInMedusa(container, state, ticket, entry, row.key)
    )
  } catch (error) {
    if (!(await beatClaim(container, row.id, owner))) {
      // Taken over while this booking was slow: what is in Medusa now is the other booking's; touch nothing.
      throw new MedusaError(
        MedusaError.Types.CONFLICT,
        `The claim on ledger row ${row.id} was taken over while its booking ran; this booking changed nothing more (${errorMessage(error)}).`
      )
    }
    const reason = errorMessage(error)
    const after = await loadPaymentState(container, state.id)
    // The provider records a booking under its marker's key, the row's own, whatever key i'mport's answer gives now.
    const made = after.refunds.find((r) => after.data.cancel_requests?.[r.id]?.cancellation_id === row.key)
    if (made) {
      // refundPaymentWorkflow keeps its Refund when a later step (the credit line) fails: undo it whole.
      await removeRefund(container, after, made, false)
    }
    await clearRecordOnlyMarker(container, state.id)
    return block(container, await loadPaymentState(container, state.id), row, ticket, entry, reason, owner)
  }

  const after = await loadPaymentState(container, state.id)
  const refund = after.refunds.find((r) => after.data.cancel_requests?.[r.id]?.cancellation_id === row.key)
  if (!refund) {
    // The row stays claimed: the next run finds the Refund, or books again if there is none.
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `Booked cancellation ${entry.key} of payment ${state.id}, but found no refund recording it.`
    )
  }
  await markBooked(container, row, refund.id, owner)
  await completeTicket(container, ticket, entry, refund.id)
  return { kind: "booked", refund_id: refund.id, state: after }
}

/**
 * An order with an open order change refuses the credit line of refundPaymentWorkflow; a cancelled order takes
 * refunds the way cancel-order books them (no credit line). Anything else is left to Medusa's own checks.
 * The ledger must never book past what i'mport shows cancelled, whatever keys an answer carried.
 */
async function bookingObstacle(
  container: MedusaContainer,
  state: PaymentState,
  payment: PaymentView,
  row: Cancellation
): Promise<string | null> {
  const ledger = ledgerRows(await ledgerOf(container, payment.id)).filter((r) => r.id !== row.id)
  const after = MathBN.add(bookedTotal(ledger), row.amount)
  if (MathBN.gt(after, payment.cancelled_amount)) {
    return `The ledger would book ${formatAmount(after)} while i'mport shows ${formatAmount(payment.cancelled_amount)} cancelled.`
  }
  if (!state.order_id || state.order_status === OrderStatus.CANCELED) {
    return null
  }
  return activeOrderChangeReason(container, state.order_id)
}

async function block(
  container: MedusaContainer,
  state: PaymentState,
  row: Cancellation,
  ticket: CancelTicket,
  entry: CancellationEntry,
  reason: string,
  owner: string
): Promise<BookingOutcome> {
  await markBlocked(container, row, reason, owner)
  await paymentwallModule(container).updateCancelTickets({
    id: ticket.id,
    status: "returned",
    cancellation_id: entry.key,
    needs_attention: true,
    error:
      `i'mport returned ${formatAmount(entry.amount)} ${state.currency_code.toUpperCase()}, but Medusa refused to book it: ${reason}. ` +
      `It is booked once that is resolved, at the next webhook, job run or "Check with i'mport now".`,
  })
  return { kind: "blocked", reason, state }
}

async function completeTicket(
  container: MedusaContainer,
  ticket: CancelTicket,
  entry: CancellationEntry,
  refundId: string
): Promise<void> {
  await paymentwallModule(container).updateCancelTickets({
    id: ticket.id,
    status: "completed",
    cancellation_id: entry.key,
    refund_id: refundId,
    settled_at: new Date(),
    needs_attention: false,
    rejection_suspected_at: null,
    error: null,
    ...candidateDecided(ticket),
  })
}
