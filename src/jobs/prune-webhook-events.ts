import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { IAMPORT_PAYMENTWALL_MODULE } from "../modules/iamport-paymentwall"
import type IamportPaymentwallModuleService from "../modules/iamport-paymentwall/service"

/** Rows deleted per round trip: bounds memory and the length of each DELETE, whatever the table's size. */
export const PRUNE_BATCH_SIZE = 500

/** The part of the module's service the pruning needs (a fake in unit tests). */
export type WebhookInbox = Pick<IamportPaymentwallModuleService, "listWebhookEvents" | "deleteWebhookEvents">

/**
 * Hard-deletes inbox rows received before `olderThan`, oldest first, one batch of ids at a time. Rows are only
 * evidence after the fact (deduplication looks back ten minutes); a refund sent from a kept snapshot needs the
 * notices since it was taken, so snapshots older than the retention are never sent from (send-cancel-request).
 * Returns how many it deleted.
 */
export async function pruneWebhookEvents(
  inbox: WebhookInbox,
  olderThan: Date,
  batchSize: number = PRUNE_BATCH_SIZE
): Promise<number> {
  let removed = 0
  for (;;) {
    const batch = await inbox.listWebhookEvents(
      { received_at: { $lt: olderThan } },
      { select: ["id"], take: batchSize, order: { received_at: "ASC" }, withDeleted: true }
    )
    if (!batch.length) {
      return removed
    }
    await inbox.deleteWebhookEvents(batch.map((event) => event.id))
    removed += batch.length
    if (batch.length < batchSize) {
      return removed
    }
  }
}

/** Daily: the webhook inbox keeps `webhookRetentionDays` (plugin option, default 30) of deliveries. */
export default async function pruneWebhookEventsJob(container: MedusaContainer): Promise<void> {
  const service = container.resolve<IamportPaymentwallModuleService>(IAMPORT_PAYMENTWALL_MODULE)
  const days = service.settings().webhookRetentionDays
  const olderThan = new Date(Date.now() - days * 86_400_000)
  const removed = await pruneWebhookEvents(service, olderThan)
  container
    .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    .info(
      `iamport-paymentwall: pruned ${removed} webhook inbox row(s) received before ${olderThan.toISOString()} (${days} days)`
    )
}

export const config = {
  name: "iamport-paymentwall-prune-webhook-events",
  schedule: "23 4 * * *",
}
