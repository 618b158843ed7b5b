import { MedusaService } from "@medusajs/framework/utils"
import CancelTicket from "./models/cancel-ticket"
import Cancellation from "./models/cancellation"
import WebhookEvent from "./models/webhook-event"
import { type PluginSettings, resolvePluginSettings } from "./settings"

/** Cancel tickets, the cancellation ledger and the webhook inbox. Cross-module work (payments, orders, locks) lives in the workflows. */
class IamportPaymentwallModuleService extends MedusaService({ CancelTicket, Cancellation, WebhookEvent }) {
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
