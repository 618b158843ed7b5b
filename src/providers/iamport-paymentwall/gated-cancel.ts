import type { Logger } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { errorMessage } from "../../lib/error-message"
import type { IamportPayment } from "../../lib/iamport/types"
import type { CancelOutcome } from "../../lib/paymentwall/cancel"
import { type PaymentwallData, sessionIdFromMerchantUid } from "../../lib/paymentwall/payment-data"
import type { ProviderReservations } from "../../lib/provider-reservations"
import { withCancelRecord } from "./cancel-record"

/** What Medusa asks the provider to cancel, under the key its answer is recorded by. */
export type AskedCancel = { key: string; amount: number; reason: string; refund_id: string | null }

type GateDeps = {
  gate: ProviderReservations
  /** One cancel sent to i'mport, errors mapped as the provider maps them. */
  send: (request: { amount: number; reason: string; reserved: number }) => Promise<CancelOutcome>
  logger: Logger
  leaseSeconds: number
}

/**
 * The money gate for every cancel Medusa asks this provider for (a core workflow's refund, an order cancel, a
 * store's own code): under the payment's gate, what is free is decided against i'mport's balance read just now and
 * every ticket still waiting at Paymentwall, and the request is saved as a ticket before i'mport hears of it (see
 * lib/provider-reservations). A request beyond what is free is refused with the figures and never sent. The
 * answer is recorded on the ticket and, under `key`, in the data Medusa keeps.
 */
export async function gatedCancel(
  { gate, send, logger, leaseSeconds }: GateDeps,
  data: PaymentwallData & Record<string, unknown>,
  payment: IamportPayment,
  asked: AskedCancel
): Promise<Record<string, unknown>> {
  const sessionId = sessionIdFromMerchantUid(data.merchant_uid)
  if (!sessionId) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `${data.merchant_uid} is not a merchant_uid this provider made; nothing was sent to i'mport.`
    )
  }
  const reservation = await gate.reserve({
    session_id: sessionId,
    iamport: payment,
    currency: data.currency,
    lease_seconds: leaseSeconds,
    ...asked,
  })
  if (reservation.kind === "known") {
    // Asked already under this key (a retry after a crash): never cancel twice. The ticket tracks it.
    return data
  }
  const ticketId = reservation.ticket_id
  let outcome: CancelOutcome
  try {
    outcome = await send({ amount: asked.amount, reason: asked.reason, reserved: reservation.free.waiting.toNumber() })
  } catch (error) {
    await failTicket(gate, logger, ticketId, errorMessage(error), error)
    return data
  }
  if (outcome.kind === "refused") {
    await failTicket(
      gate,
      logger,
      ticketId,
      outcome.message,
      new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport refused to cancel the payment: ${outcome.message}`)
    )
    return data
  }
  // The cancel may have gone out: from here on nothing throws, or Medusa would delete the Refund its ticket names.
  const historyBefore = [...new Set([...reservation.history_before, ...outcome.history_before])]
  if (outcome.kind === "unknown") {
    logger.warn(`iamport-paymentwall: cancel of ${payment.imp_uid} has an unknown outcome: ${outcome.message}`)
  }
  try {
    await gate.record(
      ticketId,
      outcome.kind === "unknown"
        ? { kind: "unanswered", error: outcome.message, history_before: historyBefore }
        : {
            kind: "waiting",
            history_before: historyBefore,
            cancellation_id: outcome.kind === "completed" ? outcome.entry.key : null,
          }
    )
  } catch (error) {
    // The ticket stays `requested` with the Refund's id: settlement ties it to i'mport's answer, or the job flags it.
    logger.error(
      `iamport-paymentwall: the answer to cancel ticket ${ticketId} of ${payment.imp_uid} could not be recorded: ${errorMessage(error)}`
    )
  }
  return withCancelRecord(data, data.currency, outcome, { key: asked.key, amount: asked.amount, reason: asked.reason })
}

/**
 * Nothing was accepted: the ticket fails and `error` is thrown, so Medusa deletes its Refund. Unless a settlement
 * settled the ticket meanwhile against a cancellation i'mport shows (record answers false): its Refund must stand,
 * and the provider returns as if done (the caller's data is returned unchanged).
 */
async function failTicket(
  gate: ProviderReservations,
  logger: Logger,
  ticketId: string,
  message: string,
  error: unknown
): Promise<void> {
  if (await gate.record(ticketId, { kind: "failed", error: message })) {
    throw error
  }
  logger.warn(
    `iamport-paymentwall: cancel ticket ${ticketId} was settled by i'mport's history while its request failed (${message}); its refund stands.`
  )
}
