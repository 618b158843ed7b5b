import { MedusaService } from "@medusajs/framework/utils"
import CancelTicket from "./models/cancel-ticket"
import Cancellation from "./models/cancellation"
import DeliveryNotice from "./models/delivery-notice"
import WebhookEvent from "./models/webhook-event"
import { type PluginSettings, resolvePluginSettings } from "./settings"

/** Cancel tickets, the cancellation ledger, the webhook inbox and the delivery outbox. Cross-module work (payments, orders, locks) lives in the workflows. */
class IamportPaymentwallModuleService extends MedusaService({ CancelTicket, Cancellation, WebhookEvent, DeliveryNotice }) {
  protected readonly settings_: PluginSettings

  // Medusa hands a plugin's modules the plugin's options as their module options.
  constructor(container: Record<string, unknown>, options?: Record<string, unknown>) {
    // eslint-disable-next-line prefer-rest-params
    super(...(arguments as unknown as [Record<string, unknown>]))
    this.settings_ = resolvePluginSettings(options)
  }

  settings(): PluginSettings {
    return this.settings_
  }
}

export default IamportPaymentwallModuleService
