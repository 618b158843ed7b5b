import type { Logger, ProviderWebhookPayload, WebhookActionResult } from "@medusajs/framework/types"
import { PaymentActions } from "@medusajs/framework/utils"
import type { IamportClient } from "../../lib/iamport/client"
import { IamportNotFoundError } from "../../lib/iamport/errors"
import type { IamportPayment } from "../../lib/iamport/types"
import { toDecimal } from "../../lib/money"
import { toMedusaError } from "./medusa-error"
import type { ResolvedOptions } from "../../lib/paymentwall/options"
import { sessionIdFromMerchantUid } from "../../lib/paymentwall/payment-data"
import { ownershipProblems } from "./verify"
import { readNotice, type WebhookPayload } from "../../lib/paymentwall/webhook-body"

/**
 * Medusa's action for an i'mport notice, decided on a fresh lookup: the body only names the payment, since anyone
 * can post one.
 */
export async function webhookAction(
  client: IamportClient,
  options: ResolvedOptions,
  logger: Logger,
  payload: ProviderWebhookPayload["payload"]
): Promise<WebhookActionResult> {
  const webhook = payload as WebhookPayload
  const ignore = (why: string): WebhookActionResult => {
    logger.warn(`iamport-paymentwall: webhook ignored: ${why}`)
    return { action: PaymentActions.NOT_SUPPORTED }
  }
  const notice = readNotice(webhook, options.webhookAllowedIps)
  if (notice.refused) {
    return ignore(notice.refused)
  }
  const body = notice.body
  const impUid = notice.body.imp_uid!
  if (body.status === "cancelled") {
    // The plugin's own subscriber settles cancellations from its lookup under the payment's lock; a lookup here
    // too would cost a second i'mport call per notice and decide nothing (a cancellation captures no payment).
    return { action: PaymentActions.NOT_SUPPORTED }
  }

  let payment: IamportPayment
  try {
    payment = await client.getPayment(impUid)
  } catch (error) {
    // Only i'mport's own 404 envelope means "no such payment"; a proxy's 404 page is not an answer about it.
    if (error instanceof IamportNotFoundError) {
      return ignore(`i'mport knows no payment ${impUid} (spoofed, or a test payment in live mode)`)
    }
    // Transient, or not i'mport answering at all: throwing lets an event bus with retries (Redis) try again.
    throw toMedusaError(error, "verify a webhook")
  }

  const sessionId = sessionIdFromMerchantUid(payment.merchant_uid)
  const problems = [
    ...ownershipProblems(payment, options.mode),
    ...(body.merchant_uid && body.merchant_uid !== payment.merchant_uid
      ? [`the body says merchant_uid ${body.merchant_uid}, i'mport says ${payment.merchant_uid}`]
      : []),
  ]
  if (problems.length || !sessionId) {
    return ignore(`payment ${payment.imp_uid}: ${problems.join("; ")}`)
  }

  const amount = toDecimal(payment.amount).toNumber()
  switch (payment.status) {
    case "paid":
      // Also a late approval after Paymentwall's fraud review turned a failed payment into a paid one.
      return { action: PaymentActions.SUCCESSFUL, data: { session_id: sessionId, amount } }
    case "failed":
      return { action: PaymentActions.FAILED, data: { session_id: sessionId, amount } }
    case "ready":
      return { action: PaymentActions.PENDING, data: { session_id: sessionId, amount } }
    default:
      // Cancelled: the plugin's subscriber settles it from its own lookup under the payment's lock.
      return { action: PaymentActions.NOT_SUPPORTED }
  }
}
