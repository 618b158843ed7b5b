import path from "node:path"
import type * as SettleOpenPayments from "../../src/workflows/settlement/utils/settle-open-payments"
import type * as SendDue from "../../src/workflows/delivery/utils/send-due-delivery-notices"
import type * as TestCleanup from "../../src/workflows/test-cleanup/utils/cancel-old-test-payments"
import type * as RefreshSnapshot from "../../src/workflows/settlement/steps/refresh-snapshot"
import type * as Ledger from "../../src/workflows/settlement/utils/ledger-claim"
import type * as Booking from "../../src/lib/paymentwall/settlement-booking"
import { PLUGIN_ROOT } from "./test-store-config"

/**
 * The plugin's code as the app loaded it: its build, the same module instances, required only once the app has
 * booted. Importing `src/` as well would compose each workflow a second time under the same id, which Medusa's
 * WorkflowManager refuses at boot.
 */
function builtModule<T>(relative: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build, loaded only once the app has booted (above)
  return require(path.join(PLUGIN_ROOT, ".medusa/server/src", relative)) as T
}

export const settleOpenPayments: typeof SettleOpenPayments.settleOpenPayments = (...args) =>
  builtModule<typeof SettleOpenPayments>("workflows/settlement/utils/settle-open-payments").settleOpenPayments(...args)

export const sendDueDeliveryNotices: typeof SendDue.sendDueDeliveryNotices = (...args) =>
  builtModule<typeof SendDue>("workflows/delivery/utils/send-due-delivery-notices").sendDueDeliveryNotices(...args)

export const cancelOldTestPayments: typeof TestCleanup.cancelOldTestPayments = (...args) =>
  builtModule<typeof TestCleanup>("workflows/test-cleanup/utils/cancel-old-test-payments").cancelOldTestPayments(
    ...args
  )

export const refreshSnapshot: typeof RefreshSnapshot.refreshSnapshot = (...args) =>
  builtModule<typeof RefreshSnapshot>("workflows/settlement/steps/refresh-snapshot").refreshSnapshot(...args)

/** The ledger's claim and its owner-checked writes, as the settlement calls them. */
export const ledger = (): Pick<typeof Ledger, "claimCancellation" | "markBooked" | "markBlocked"> =>
  builtModule<typeof Ledger>("workflows/settlement/utils/ledger-claim")

/** Runs `work` as a settlement's booking, in the async context the app's provider reads. */
export function runAsSettlementBooking<T>(booking: Booking.SettlementBooking, work: () => Promise<T>): Promise<T> {
  return builtModule<typeof Booking>("lib/paymentwall/settlement-booking").runAsSettlementBooking(booking, work)
}

type RegisteredProvider = typeof import("../../src/providers/iamport-paymentwall/registered-provider")
type ProviderService = import("../../src/providers/iamport-paymentwall/service").IamportPaymentwallProviderService

/**
 * The provider instance the app built from its config, reached as the plugin's workflows reach it (the adapter hands
 * it out as the port), typed as the whole provider for the tests that call it as Medusa's payment module does.
 */
export const registeredProvider = (...args: Parameters<RegisteredProvider["paymentwallProvider"]>): ProviderService =>
  builtModule<RegisteredProvider>("providers/iamport-paymentwall/registered-provider").paymentwallProvider(
    ...args
  ) as ProviderService
