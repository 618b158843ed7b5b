import { MedusaError } from "@medusajs/framework/utils"
import type { IamportClient } from "../iamport/client"
import { IamportRefusedError } from "../iamport/errors"
import { isKnown } from "./cancellation"
import { type KeyedCancellation, keyedCancellations } from "./v1/cancel-history"
import type { IamportPayment } from "../iamport/types"
import type { PaymentView } from "./payment-view"
import { paymentViewOf } from "./v1/payment-view"
import { formatAmount, minusAmount, sameAmount, toDecimal } from "../money"
import { historyKeys, type IamportSnapshot } from "./payment-data"

/**
 * What became of one cancel request. `history_before`: the keys (and aliases) of the cancel_history entries i'mport
 * showed just before it was sent; none of them can be this request's cancellation, however equal its amount. An
 * answered one carries i'mport's payment as V1 gave it (the provider's records) and as settlement reads it (`view`).
 */
export type CancelOutcome = { history_before: string[] } &
  /** Paymentwall opened a ticket: code 0, nothing in cancel_history yet. */
  (
    | { kind: "accepted"; payment: IamportPayment; view: PaymentView }
    /** i'mport settled it in the answer: a new cancel_history entry. */
    | { kind: "completed"; payment: IamportPayment; view: PaymentView; entry: KeyedCancellation }
    /** i'mport said no (code != 0): nothing happened. */
    | { kind: "refused"; message: string }
    /** No usable answer: i'mport may or may not have accepted it, and for a ticket nothing shows which. */
    | { kind: "unknown"; message: string }
  )

export type CancelRequest = {
  amount: number
  reason: string
  /** Asked for in Paymentwall tickets not settled yet, as the kept view stands: i'mport's balance does not show them. */
  reserved?: number
  /** The same for a payment read afresh, whose history may show some of those tickets settled. */
  reservedIn?: (payment: IamportPayment) => number
}

/** i'mport's payment as the cancel is checked against it: read just now, or kept from the last read. */
export type CancelView = {
  imp_uid: string
  amount: number
  cancel_amount: number
  currency: string
  /** Keys and aliases of the cancel_history entries it showed. */
  history: string[]
}

export function viewOf(payment: IamportPayment): CancelView {
  const { imp_uid, amount, cancel_amount, currency } = payment
  return { imp_uid, amount, cancel_amount, currency, history: historyKeys(payment) }
}

/** The snapshot kept in payment.data, when it is of this payment and keeps the history's keys. */
export function viewOfSnapshot(snapshot: IamportSnapshot | null | undefined, impUid: string): CancelView | null {
  if (!snapshot || snapshot.imp_uid !== impUid || !Array.isArray(snapshot.history_keys)) {
    return null
  }
  const { imp_uid, amount, cancel_amount, currency, history_keys } = snapshot
  return { imp_uid, amount, cancel_amount, currency, history: history_keys }
}

/**
 * One cancel, one i'mport call in the common case: sent from the kept view with its balance as `checksum`. A kept
 * view can only be behind i'mport (cancel_amount never falls), so it never lets more through than a fresh read
 * would: a stale one makes i'mport refuse on the checksum. Only a definite refusal is followed by a fresh read
 * (`lookup`, which also checks the payment is ours), and only a moved balance, the one refusal a resend can cure,
 * is followed by one more send. A lost answer is never re-sent.
 */
export async function cancelFromView(
  client: IamportClient,
  kept: CancelView | null,
  lookup: () => Promise<IamportPayment>,
  { reservedIn, ...request }: CancelRequest
): Promise<CancelOutcome> {
  // What waits at Paymentwall as a fresh read shows it: a ticket whose result the history already shows is in
  // cancel_amount, and is not held back a second time.
  const readAgain = (payment: IamportPayment) => ({
    ...request,
    reserved: reservedIn ? reservedIn(payment) : request.reserved,
  })
  const sendFresh = async () => {
    const payment = await lookup()
    return sendCancel(client, viewOf(payment), readAgain(payment))
  }
  // A kept view that seems not to leave room may be behind i'mport in the other direction (an approval it shows
  // whose ticket still looks open): read afresh before refusing.
  if (
    !kept ||
    toDecimal(request.amount).isGreaterThan(
      minusAmount(minusAmount(kept.amount, kept.cancel_amount), request.reserved ?? 0)
    )
  ) {
    return sendFresh()
  }
  const outcome = await sendCancel(client, kept, request)
  if (outcome.kind !== "refused") {
    return outcome
  }
  const payment = await lookup()
  if (sameAmount(payment.cancel_amount, kept.cancel_amount)) {
    // The balance the checksum named is i'mport's own: the refusal was about something else, and stands.
    return outcome
  }
  const fresh = viewOf(payment)
  const again = readAgain(payment)
  const free = minusAmount(minusAmount(fresh.amount, fresh.cancel_amount), again.reserved ?? 0)
  if (toDecimal(request.amount).isGreaterThan(free)) {
    // No longer fits: sendCancel refuses with the figures before sending anything.
    return sendCancel(client, fresh, again)
  }
  const known = new Set(kept.history)
  // i'mport keeps a request's reason on its entry, so a new entry with another reason (a console refund) is not this
  // request's; one with this reason, or with none, may be.
  const looksApplied = keyedCancellations(payment.cancel_history).some(
    (e) =>
      !isKnown(e, known) &&
      sameAmount(e.amount, request.amount) &&
      (!e.reason?.trim() || e.reason.trim() === request.reason.trim())
  )
  if (looksApplied) {
    // A refusal should change nothing, yet a cancellation that may be this very one is new since the snapshot:
    // never ask twice on a guess. A person checks i'mport's console; the request waits as unanswered.
    return {
      kind: "unknown",
      history_before: kept.history,
      message:
        `i'mport refused the cancel (${outcome.message}), but now shows a new cancellation of the same amount, which may be this one. ` +
        `Check the payment's cancellations in the i'mport console before asking again.`,
    }
  }
  return sendCancel(client, fresh, again)
}

/**
 * Sends i'mport's cancel once, with `checksum` set to the refundable balance of `view`, and classifies the answer.
 * Never retried here: a lost answer leaves the outcome unknown, and only a person looking at i'mport's console
 * (which lists in-progress cancel requests) or a later cancel_history entry can settle it.
 */
export async function sendCancel(
  client: IamportClient,
  view: CancelView,
  {
    amount,
    reason,
    reserved = 0,
  }: {
    amount: number
    reason: string
    /** Asked for in Paymentwall tickets not settled yet: i'mport's balance (and its checksum) does not show them. */
    reserved?: number
  }
): Promise<CancelOutcome> {
  const refundable = minusAmount(view.amount, view.cancel_amount)
  const free = minusAmount(refundable, reserved)
  if (toDecimal(amount).isGreaterThan(free)) {
    const waiting = toDecimal(reserved).isGreaterThan(0)
      ? `, of which ${formatAmount(reserved)} waits in Paymentwall tickets`
      : ""
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Cannot cancel ${formatAmount(amount)} ${view.currency}: i'mport shows ${formatAmount(refundable)} left to refund${waiting}.`
    )
  }
  const history_before = view.history
  const known = new Set(history_before)
  let after: IamportPayment
  try {
    after = await client.cancelPayment({
      imp_uid: view.imp_uid,
      amount,
      checksum: refundable.toNumber(),
      reason,
      enable_webhook: true,
    })
  } catch (error) {
    if (error instanceof IamportRefusedError) {
      return { kind: "refused", message: error.message, history_before }
    }
    const detail = error instanceof Error ? error.message : String(error)
    return {
      kind: "unknown",
      history_before,
      message: `i'mport gave no usable answer to the cancel request (${detail}); it may have been accepted. Check the payment's in-progress cancel requests in the i'mport console before asking again.`,
    }
  }
  // Only when nothing but this request moved i'mport's balance is a new entry of its amount its answer. If more
  // moved (a server that ignores `checksum` accepted a stale view), no entry is taken for it, and every entry the
  // answer shows counts as before it: the ticket then waits for a person rather than claim another's cancellation.
  const explained = sameAmount(minusAmount(after.cancel_amount, view.cancel_amount), amount)
  const entry = explained
    ? keyedCancellations(after.cancel_history).find((e) => !isKnown(e, known) && sameAmount(e.amount, amount))
    : undefined
  const before = historyKeys(after).filter((key) => !entry?.knownAs.includes(key))
  return entry
    ? { kind: "completed", payment: after, view: paymentViewOf(after), entry, history_before: before }
    : { kind: "accepted", payment: after, view: paymentViewOf(after), history_before: before }
}
