import { MedusaError } from "@medusajs/framework/utils"
import type { IamportClient } from "../../lib/iamport/client"
import { IamportNotFoundError, IamportRefusedError } from "../../lib/iamport/errors"
import type { IamportPayment } from "../../lib/iamport/types"
import type { PaymentwallData } from "../../lib/paymentwall/payment-data"

/** Registers the amount with i'mport so the widget refuses to charge any other (POST, or PUT to change it). */
export async function registerAmount(
  client: IamportClient,
  merchantUid: string,
  amount: number,
  currency: string,
  kind: "new" | "existing"
): Promise<void> {
  const request = { merchant_uid: merchantUid, amount, currency }
  const [first, second] =
    kind === "new"
      ? [() => client.preparePayment(request), () => client.updatePreparedPayment(request)]
      : [() => client.updatePreparedPayment(request), () => client.preparePayment(request)]
  try {
    await first()
  } catch (error) {
    // A retried initiate finds its merchant_uid prepared already; an update may find none yet.
    if (!(error instanceof IamportRefusedError || error instanceof IamportNotFoundError)) {
      throw error
    }
    await second().catch(() => Promise.reject(error))
  }
}

/** The paid attempt for a merchant_uid if any, else the newest attempt (one call in the usual, paid, case). */
export async function findAttempt(client: IamportClient, merchantUid: string): Promise<IamportPayment | null> {
  return (await client.findPayment(merchantUid, "paid")) ?? (await client.findPayment(merchantUid))
}

/** The payment the data names, else the checkout's attempt; a checkout without one has nothing to act on. */
export async function paymentOf(client: IamportClient, expected: PaymentwallData): Promise<IamportPayment> {
  if (expected.imp_uid) {
    return client.getPayment(expected.imp_uid)
  }
  const payment = await findAttempt(client, expected.merchant_uid)
  if (!payment) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `i'mport has no payment for ${expected.merchant_uid}.`)
  }
  return payment
}
