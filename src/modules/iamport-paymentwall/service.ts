import { MedusaService } from "@medusajs/framework/utils"
import CancelTicket from "./models/cancel-ticket"
import Cancellation from "./models/cancellation"
import DeliveryNotice from "./models/delivery-notice"
import ExtraAttempt from "./models/extra-attempt"
import PaymentSnapshot from "./models/payment-snapshot"
import WebhookEvent from "./models/webhook-event"
import { type PluginSettings, resolvePluginSettings } from "./settings"
import { markShuttingDown } from "../../lib/shutdown"

type LifecycleHooks = { __hooks?: Record<string, () => Promise<void>> }

/** Cancel tickets, the cancellation ledger, the webhook inbox, the delivery outbox, extra paid attempts and i'mport's snapshots. Cross-module work (payments, orders, locks) lives in the workflows. */
class IamportPaymentwallModuleService extends MedusaService({
  CancelTicket,
  Cancellation,
  WebhookEvent,
  DeliveryNotice,
  ExtraAttempt,
  PaymentSnapshot,
}) {
  protected readonly settings_: PluginSettings

  // Medusa hands a plugin's modules the plugin's options as their module options.
  constructor(container: Record<string, unknown>, options?: Record<string, unknown>) {
    // eslint-disable-next-line prefer-rest-params -- hands MedusaService every argument the module loader passed, as Medusa's own modules do
    super(...(arguments as unknown as [Record<string, unknown>]))
    this.settings_ = resolvePluginSettings(options)
    // Medusa calls these on every module: prepare-shutdown comes before the event bus waits for its running
    // subscribers and before the database pool closes, so lock waiters stop in time (lib/shutdown.ts).
    const self = this as unknown as LifecycleHooks
    self.__hooks = {
      ...self.__hooks,
      onApplicationStart: async () => markShuttingDown(false),
      onApplicationPrepareShutdown: async () => markShuttingDown(true),
    }
  }

  settings(): PluginSettings {
    return this.settings_
  }
}

export default IamportPaymentwallModuleService
