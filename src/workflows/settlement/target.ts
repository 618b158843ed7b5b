import type { MedusaContainer } from "@medusajs/framework/types"
import { paymentwallProvider } from "../../lib/paymentwall-provider"
import { sessionIdFromMerchantUid } from "../../providers/iamport-paymentwall/payment-data"
import { paymentIdForSession } from "./payment-state"

/**
 * The Medusa payment an i'mport payment belongs to. The webhook's merchant_uid is only a hint to find it without a
 * lookup; the settlement step checks it against what i'mport says, under the lock.
 */
export async function medusaPaymentFor(
  container: MedusaContainer,
  providerId: string,
  impUid: string,
  merchantUidHint: string | undefined
): Promise<string | null> {
  const merchantUid = merchantUidHint ?? (await paymentwallProvider(container, providerId).lookupPayment(impUid)).merchant_uid
  const sessionId = sessionIdFromMerchantUid(merchantUid)
  return sessionId ? paymentIdForSession(container, sessionId) : null
}
