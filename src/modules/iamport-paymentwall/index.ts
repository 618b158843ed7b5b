import type { InferTypeOf, MedusaContainer } from "@medusajs/framework/types"
import { Module } from "@medusajs/framework/utils"
import type CancelTicketModel from "./models/cancel-ticket"
import type DeliveryNoticeModel from "./models/delivery-notice"
import type ExtraAttemptModel from "./models/extra-attempt"
import IamportPaymentwallModuleService from "./service"

export const IAMPORT_PAYMENTWALL_MODULE = "iamport_paymentwall"

export default Module(IAMPORT_PAYMENTWALL_MODULE, {
  service: IamportPaymentwallModuleService,
})

/** The plugin's module: cancel tickets, the cancellation ledger, the webhook inbox and the settings. */
export { IamportPaymentwallModuleService }
export type CancelTicket = InferTypeOf<typeof CancelTicketModel>
export type DeliveryNotice = InferTypeOf<typeof DeliveryNoticeModel>
export type ExtraAttempt = InferTypeOf<typeof ExtraAttemptModel>
export type { TicketOrigin, TicketStatus } from "./models/cancel-ticket"
export type { DeliveryState, DeliveryStatus } from "./models/delivery-notice"
export type { ExtraAttemptStatus } from "./models/extra-attempt"
export { EXTRA_ATTEMPT_STATUSES, OPEN_EXTRA_ATTEMPT_STATUSES } from "./models/extra-attempt"
export { OPEN_TICKET_STATUSES, TICKET_ORIGINS, TICKET_STATUSES } from "./models/cancel-ticket"
export { RESERVING_TICKET_STATUSES, reservedTotal } from "./reservation"
export { paymentLockKey } from "./lock-keys"

export function paymentwallModule(container: MedusaContainer): IamportPaymentwallModuleService {
  return container.resolve<IamportPaymentwallModuleService>(IAMPORT_PAYMENTWALL_MODULE)
}
