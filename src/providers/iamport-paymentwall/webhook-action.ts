import type { Logger, ProviderWebhookPayload, WebhookActionResult } from "@medusajs/framework/types"
import { PaymentActions } from "@medusajs/framework/utils"
import type { IamportClient } from "../../lib/iamport/client"
import { IamportNotFoundError } from "../../lib/iamport/errors"
import type { IamportPayment } from "../../lib/iamport/types"
import { toDecimal } from "../../lib/money"
import { toMedusaError } from "./medusa-error"
import type { ResolvedOptions } from "./options"
import { sessionIdFromMerchantUid } from "./payment-data"
import { ownershipProblems } from "./verify"
import { parseWebhookBody, webhookSourceIp, type WebhookPayload } from "./webhook-body"

/** The optional allow-list of webhook senders (the address the plugin's hook middleware computed). */
export function acceptsWebhookSender(options: Pick<ResolvedOptions, "webhookAllowedIps">, source: string | undefined): boolean {
  const allowed = options.webhookAllowedIps
  return !allowed.length || (!!source && allowed.includes(source))
}

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
  const source = webhookSourceIp(webhook.headers)
  if (!acceptsWebhookSender(options, source)) {
    return ignore(`source address ${source ?? "unknown"} is not in webhookAllowedIps`)
  }
  const body = parseWebhookBody(webhook)
  if (!body.imp_uid) {
    return ignore("the body carries no imp_uid")
  }
  if (body.status === "cancelled") {
    // The plugin's own subscriber settles cancellations from its lookup under the payment's lock; a lookup here
    // too would cost a second i'mport call per notice and decide nothing (a cancellation captures no payment).
    return { action: PaymentActions.NOT_SUPPORTED }
  }

  let payment: IamportPayment
  try {
    payment = await client.getPayment(body.imp_uid)
  } catch (error) {
    // Only i'mport's own 404 envelope means "no such payment"; a proxy's 404 page is not an answer about it.
    if (error instanceof IamportNotFoundError) {
      return ignore(`i'mport knows no payment ${body.imp_uid} (spoofed, or a test payment in live mode)`)
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
      // Cancellations carry no session_id, so Medusa's own payment subscriber leaves them to this plugin's.
      return {
        action: PaymentActions.NOT_SUPPORTED,
        data: { imp_uid: payment.imp_uid, iamport_status: payment.status } as never,
      }
  }
}
