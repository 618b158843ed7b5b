import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { paymentwallModule } from "../modules/iamport-paymentwall"

let warned = false

/**
 * Whether the jobs that call i'mport do their work (plugin option `scheduledJobs`, default true). Medusa has no switch
 * for a plugin's job, so each asks this when it fires. It is an option, never an environment variable, so a copied
 * env file cannot stop the job that books a lost notice; when it is off, the first job to fire says so once.
 */
export function scheduledJobsOn(container: MedusaContainer): boolean {
  if (paymentwallModule(container).settings().scheduledJobs) {
    return true
  }
  if (!warned) {
    warned = true
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .warn(
        "iamport-paymentwall: scheduledJobs is false: the jobs that call i'mport do nothing, and a lost webhook's refund is never booked by the settlement job"
      )
  }
  return false
}
