import type { MedusaContainer } from "@medusajs/framework/types"
import { cancelOldTestPayments } from "../workflows/test-cleanup/utils/cancel-old-test-payments"
import { scheduledJobsOn } from "../lib/scheduled-jobs"

/** Every 5 minutes: the opt-in test-payment cleanup (autoCancelTestPaymentsAfterMinutes, test mode only); it logs each payment. */
export default async function cancelTestPaymentsJob(container: MedusaContainer): Promise<void> {
  if (!scheduledJobsOn(container)) {
    return
  }
  await cancelOldTestPayments(container)
}

export const config = {
  name: "iamport-paymentwall-cancel-test-payments",
  schedule: "*/5 * * * *",
}
