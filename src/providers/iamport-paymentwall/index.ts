import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { IamportPaymentwallProviderService } from "./service"

export { IamportPaymentwallProviderService }
export type { IamportPaymentwallOptions } from "../../lib/paymentwall/options"

export default ModuleProvider(Modules.PAYMENT, {
  services: [IamportPaymentwallProviderService],
})
