import path from "node:path"
import type * as SettleOpenPayments from "../../src/workflows/settle-open-payments"
import type * as SendDue from "../../src/workflows/delivery/send-due-delivery-notices"
import type * as TestCleanup from "../../src/workflows/test-cleanup/cancel-old-test-payments"
import type * as RefreshSnapshot from "../../src/workflows/settlement/refresh-snapshot"
import { PLUGIN_ROOT } from "./test-store-config"

/**
 * The plugin's code as the app loaded it: its build, the same module instances, required only once the app has
 * booted. Importing `src/` as well would compose each workflow a second time under the same id, which Medusa's
 * WorkflowManager refuses at boot.
 */
function builtModule<T>(relative: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(PLUGIN_ROOT, ".medusa/server/src", relative)) as T
}

export const settleOpenPayments: typeof SettleOpenPayments.settleOpenPayments = (...args) =>
  builtModule<typeof SettleOpenPayments>("workflows/settle-open-payments").settleOpenPayments(...args)

export const sendDueDeliveryNotices: typeof SendDue.sendDueDeliveryNotices = (...args) =>
  builtModule<typeof SendDue>("workflows/delivery/send-due-delivery-notices").sendDueDeliveryNotices(...args)

export const cancelOldTestPayments: typeof TestCleanup.cancelOldTestPayments = (...args) =>
  builtModule<typeof TestCleanup>("workflows/test-cleanup/cancel-old-test-payments").cancelOldTestPayments(...args)

export const refreshSnapshot: typeof RefreshSnapshot.refreshSnapshot = (...args) =>
  builtModule<typeof RefreshSnapshot>("workflows/settlement/refresh-snapshot").refreshSnapshot(...args)

type RegisteredProvider = typeof import("../../src/providers/iamport-paymentwall/registered-provider")

/** The provider instance the app built from its config, as the plugin's workflows reach it. */
export const registeredProvider: RegisteredProvider["paymentwallProvider"] = (...args) =>
  builtModule<RegisteredProvider>("providers/iamport-paymentwall/registered-provider").paymentwallProvider(...args)
