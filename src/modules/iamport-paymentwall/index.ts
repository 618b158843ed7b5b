import { Module } from "@medusajs/framework/utils"
import IamportPaymentwallModuleService from "./service"

export const IAMPORT_PAYMENTWALL_MODULE = "iamport_paymentwall"

export default Module(IAMPORT_PAYMENTWALL_MODULE, {
  service: IamportPaymentwallModuleService,
})

export { IamportPaymentwallModuleService }
export type { TicketOrigin, TicketStatus } from "./models/cancel-ticket"
