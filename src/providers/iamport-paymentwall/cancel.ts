import { MedusaError } from "@medusajs/framework/utils"
import type { IamportClient } from "../../lib/iamport/client"
import { IamportRefusedError } from "../../lib/iamport/errors"
import { type KeyedCancellation, keyedCancellations } from "../../lib/cancel-history"
import type { IamportPayment } from "../../lib/iamport/types"
import { formatAmount, minusAmount, sameAmount, toDecimal } from "../../lib/money"

/**
 * What became of one cancel request. `history_before`: the keys (and aliases) of the cancel_history entries i'mport
 * showed just before it was sent; none of them can be this request's cancellation, however equal its amount.
 */
export type CancelOutcome = { history_before: string[] } & (
  /** Paymentwall opened a ticket: code 0, nothing in cancel_history yet. */
  | { kind: "accepted"; payment: IamportPayment }
  /** i'mport settled it in the answer: a new cancel_history entry. */
  | { kind: "completed"; payment: IamportPayment; entry: KeyedCancellation }
  /** i'mport said no (code != 0): nothing happened. */
  | { kind: "refused"; message: string }
  /** No usable answer: i'mport may or may not have accepted it, and for a ticket nothing shows which. */
  | { kind: "unknown"; message: string }
)

/**
 * Sends i'mport's cancel once, with `checksum` set to the refundable balance i'mport showed just before, and
 * classifies the answer. Never retried here: a lost answer leaves the outcome unknown, and only a person looking at
 * i'mport's console (which lists in-progress cancel requests) or a later cancel_history entry can settle it.
 */
export async function sendCancel(
  client: IamportClient,
  payment: IamportPayment,
  amount: number,
  reason: string,
  /** Asked for in Paymentwall tickets not settled yet: i'mport's balance (and its checksum) does not show them. */
  reserved = 0
): Promise<CancelOutcome> {
  const refundable = minusAmount(payment.amount, payment.cancel_amount)
  const free = minusAmount(refundable, reserved)
  if (toDecimal(amount).isGreaterThan(free)) {
    const waiting = toDecimal(reserved).isGreaterThan(0) ? `, of which ${formatAmount(reserved)} waits in Paymentwall tickets` : ""
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Cannot cancel ${formatAmount(amount)} ${payment.currency}: i'mport shows ${formatAmount(refundable)} left to refund${waiting}.`
    )
  }
  const before = keyedCancellations(payment.cancel_history)
  const known = new Set(before.map((entry) => entry.key))
  const history_before = [...new Set(before.flatMap((entry) => [entry.key, entry.alias]))]
  let after: IamportPayment
  try {
    after = await client.cancelPayment({
      imp_uid: payment.imp_uid,
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
  const entry = keyedCancellations(after.cancel_history).find((e) => !known.has(e.key) && sameAmount(e.amount, amount))
  return entry ? { kind: "completed", payment: after, entry, history_before } : { kind: "accepted", payment: after, history_before }
}
