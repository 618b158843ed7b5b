import type { ConfigModule, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"

/** Medusa's built-in locking provider: its locks live in one process's memory. */
const IN_MEMORY_LOCKING = "in-memory"

let warned = false

/**
 * The plugin's per-payment and per-delivery locks are Medusa's locking module's. With its default in-memory
 * provider they bind only the process that took them, so a store split into server and worker processes (or run
 * as several instances) needs a shared provider (locking-redis or locking-postgres). Said once per process, when
 * the first lock is taken; a single `shared` process is fine as it is.
 */
export function warnIfLocksStayInProcess(container: MedusaContainer): void {
  if (warned) {
    return
  }
  warned = true
  const warning = lockingScopeWarning(container)
  if (warning) {
    container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(warning)
  }
}

export function lockingScopeWarning(container: MedusaContainer): string | null {
  const config = container.resolve<ConfigModule>(ContainerRegistrationKeys.CONFIG_MODULE)
  const workerMode = config.projectConfig.workerMode ?? "shared"
  const locking = container.resolve<{ defaultProviderId?: string } | undefined>(Modules.LOCKING, {
    allowUnregistered: true,
  })
  if (workerMode === "shared" || locking?.defaultProviderId !== IN_MEMORY_LOCKING) {
    return null
  }
  return (
    `iamport-paymentwall: this process runs in workerMode "${workerMode}" with Medusa's in-memory locking, whose locks ` +
    `do not reach the store's other processes: two of them could settle or refund the same payment at once. ` +
    `Register @medusajs/medusa/locking-redis (or locking-postgres) as the default locking provider; see docs/production.md, "Locking".`
  )
}
