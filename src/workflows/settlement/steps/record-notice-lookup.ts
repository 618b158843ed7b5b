import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"

export const recordNoticeLookupStepId = "iamport-paymentwall-record-notice-lookup"

/**
 * Marks the notice's inbox row as covered by a look-up, once the settlement proved the payment this plugin's: a
 * forged body naming another payment's merchant_uid must not make a genuine delivery look covered. Undone if the
 * workflow fails after it, so the next copy of the notice looks again.
 */
export const recordNoticeLookupStep = createStep(
  recordNoticeLookupStepId,
  async (
    { webhook_event_id, looked_up_at }: { webhook_event_id?: string; looked_up_at?: string | null },
    { container }
  ) => {
    if (!webhook_event_id || !looked_up_at) {
      return new StepResponse(undefined)
    }
    const service = paymentwallModule(container)
    const [before] = await service.listWebhookEvents({ id: webhook_event_id }, { select: ["id", "looked_up_at"] })
    await service.updateWebhookEvents({ id: webhook_event_id, looked_up_at: new Date(looked_up_at) })
    return new StepResponse(undefined, { id: webhook_event_id, looked_up_at: before?.looked_up_at ?? null })
  },
  async (previous, { container }) => {
    if (previous) {
      await paymentwallModule(container).updateWebhookEvents({ id: previous.id, looked_up_at: previous.looked_up_at })
    }
  }
)
