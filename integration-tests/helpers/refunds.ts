import type { AxiosInstance } from "axios"
import type { IEventBusModuleService, IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { RunningSandbox, Ticket } from "../../src/sandbox"
import { sandboxGet, sandboxPost } from "./sandbox"
import type { Store } from "./store"

type AnyRecord = Record<string, any>

export function ticketsOf(container: MedusaContainer, paymentId: string): Promise<AnyRecord[]> {
  return container
    .resolve<any>("iamport_paymentwall")
    .listCancelTickets({ payment_id: paymentId }, { order: { requested_at: "ASC" } })
}

export function refundsOf(container: MedusaContainer, paymentId: string): Promise<AnyRecord[]> {
  return container
    .resolve<IPaymentModuleService>(Modules.PAYMENT)
    .listRefunds({ payment_id: paymentId }, { relations: ["refund_reason"] })
}

export async function sandboxTickets(sandbox: RunningSandbox, impUid: string): Promise<Ticket[]> {
  return sandboxGet<Ticket[]>(sandbox, `/sandbox/tickets?imp_uid=${impUid}`)
}

export async function settleAll(
  sandbox: RunningSandbox,
  impUid: string,
  result: "approved" | "rejected"
): Promise<void> {
  for (const ticket of await sandboxTickets(sandbox, impUid)) {
    if (ticket.status === "open") {
      await sandboxPost(sandbox, `/sandbox/tickets/${ticket.id}/settle`, { result })
    }
  }
}

export async function adminRefund(api: AxiosInstance, store: Store, paymentId: string, body: AnyRecord) {
  return api.post(`/admin/payments/${paymentId}/refund`, body, { ...store.admin, validateStatus: () => true })
}

/** Collects the events of the given names the app emits from now on. */
export function recordEvents(container: MedusaContainer, names: string[]): AnyRecord[] {
  const seen: AnyRecord[] = []
  const bus = container.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
  for (const name of names) {
    bus.subscribe(name, async (event: AnyRecord) => void seen.push({ name, data: event.data }), {
      subscriberId: `test-recorder-${name}-${Math.random().toString(36).slice(2)}`,
    })
  }
  return seen
}

export async function defaultRefundReasonId(api: AxiosInstance, store: Store): Promise<string> {
  const { data } = await api.get("/admin/refund-reasons", store.admin)
  return data.refund_reasons[0].id
}
