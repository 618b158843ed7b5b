import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { sendDueDeliveryNotices } from "../workflows/delivery/utils/send-due-delivery-notices"
import { scheduledJobsOn } from "../lib/scheduled-jobs"

/** Every minute: sends the delivery reports that are due (first tries the subscriber could not make, and retries). */
export default async function sendDeliveryNoticesJob(container: MedusaContainer): Promise<void> {
  if (!scheduledJobsOn(container)) {
    return
  }
  const result = await sendDueDeliveryNotices(container)
  if (result.sent || result.retry || result.failed) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .info(
        `iamport-paymentwall: delivery reports: ${result.sent} sent, ${result.retry} to retry, ${result.failed} given up`
      )
  }
}

export const config = {
  name: "iamport-paymentwall-send-delivery-notices",
  schedule: "* * * * *",
}
