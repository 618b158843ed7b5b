import type { MedusaContainer } from "@medusajs/framework/types"
import { dueDeliveryNotices, type DeliverySendOutcome, sendDeliveryNotice } from "./send-delivery-notice"

const BATCH = 50

/** One pass over the outbox: every row due now, 50 at most, each under its own lock. */
export async function sendDueDeliveryNotices(
  container: MedusaContainer,
  now = new Date()
): Promise<Record<DeliverySendOutcome, number>> {
  const counts: Record<DeliverySendOutcome, number> = { sent: 0, retry: 0, failed: 0, skipped: 0 }
  for (const notice of await dueDeliveryNotices(container, now, BATCH)) {
    counts[await sendDeliveryNotice(container, notice.id, now)] += 1
  }
  return counts
}
