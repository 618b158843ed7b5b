import path from "node:path"
import type { IEventBusModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type IamportPaymentwallModuleService from "../../src/modules/iamport-paymentwall/service"
import { cancelOldTestPayments, sendDueDeliveryNotices, settleOpenPayments } from "../helpers/built-plugin"
import { markDelivered, shipOrder, TRACKING_NUMBER } from "../helpers/fulfillment"
import { adminRefund, sandboxTickets, settleAll, ticketsOf } from "../helpers/refunds"
import { describeStore } from "../helpers/runner"
import { sandboxPost, waitFor } from "../helpers/sandbox"
import { loginAdmin, paidOrder, type Store } from "../helpers/store"

type AnyRecord = Record<string, any>
type Rbac = {
  createRbacRoles(data: { name: string }[]): Promise<{ id: string }[]>
  createRbacPolicies(
    data: { key: string; resource: string; operation: string; name: string }[]
  ): Promise<{ id: string }[]>
  createRbacRolePolicies(data: { role_id: string; policy_id: string }[]): Promise<unknown>
}

/** A role with the given "resource:operation" policies (the database is emptied between tests, so made each time). */
async function makeRole(container: MedusaContainer, name: string, keys: string[]): Promise<string> {
  const rbac = container.resolve<Rbac>(Modules.RBAC)
  const [role] = await rbac.createRbacRoles([{ name: `${name}-${Math.random().toString(36).slice(2, 8)}` }])
  const policies = await rbac.createRbacPolicies(
    keys.map((key) => {
      const [resource, operation] = key.split(":")
      return { key: `${key}#${role.id}`, resource, operation, name: key }
    })
  )
  await rbac.createRbacRolePolicies(policies.map((p) => ({ role_id: role.id, policy_id: p.id })))
  return role.id
}

/**
 * Operations on a store with RBAC on, the test-payment cleanup at 60 minutes and a carrier mapping
 * (../operations/medusa-config.ts): delivery reports through the outbox, the cleanup, and the route policies.
 */
describeStore(
  ({ api, getContainer, sandbox, store: seeded }) => {
    let store: Store
    const pay = (merchantUid: string) =>
      sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
    const outbox = () => getContainer().resolve<IamportPaymentwallModuleService>("iamport_paymentwall")
    const view = async (orderId: string) =>
      (await api.get(`/admin/iamport-paymentwall/orders/${orderId}`, store.admin)).data.payments[0]
    const reports = () => sandbox().context.state.deliveries as AnyRecord[]

    beforeEach(() => {
      store = seeded()
    })

    it("a shipment with tracking sends order_shipped once, through a failure, a retry and duplicate events; a delivery sends delivered", async () => {
      const paid = await paidOrder(api, store, pay)
      // The first send fails: the row stays pending, and the job sends it once it is due.
      await sandboxPost(sandbox(), "/sandbox/faults", { route: "POST /paymentwall/delivery", kind: "5xx", times: 1 })
      const fulfillmentId = await shipOrder(api, store, paid.orderId)
      const failed = await waitFor("the first send to fail", async () => {
        const [row] = await outbox().listDeliveryNotices({ payment_id: paid.paymentId, status: "order_shipped" })
        return row?.attempts === 1 ? row : undefined
      })
      expect(failed).toMatchObject({
        state: "pending",
        carrier_tracking_id: TRACKING_NUMBER,
        carrier_type: "CJ Logistics",
        type: "physical",
      })
      expect(failed.last_error).toBeTruthy()
      expect(reports()).toHaveLength(0)

      // Medusa's event again (a retried delivery, a second process), three times at once: still one row.
      const bus = getContainer().resolve<IEventBusModuleService>(Modules.EVENT_BUS)
      await Promise.all([1, 2, 3].map(() => bus.emit({ name: "shipment.created", data: { id: fulfillmentId } })))
      const later = new Date(Date.now() + 5 * 60_000)
      // Two runs of the job at once: the row's lock lets one send.
      const runs = await Promise.all([
        sendDueDeliveryNotices(getContainer(), later),
        sendDueDeliveryNotices(getContainer(), later),
      ])
      expect(runs.reduce((sum, r) => sum + r.sent, 0)).toBe(1)
      await new Promise((r) => setTimeout(r, 1000))
      await sendDueDeliveryNotices(getContainer(), later)
      expect(await outbox().listDeliveryNotices({ payment_id: paid.paymentId })).toEqual([
        expect.objectContaining({ status: "order_shipped", state: "sent", attempts: 2 }),
      ])
      expect(reports()).toEqual([
        expect.objectContaining({
          imp_uid: paid.impUid,
          type: "physical",
          status: "order_shipped",
          carrier_tracking_id: TRACKING_NUMBER,
          carrier_type: "CJ Logistics",
          refundable: "yes",
          shipping_address_email: "buyer@example.com",
          shipping_address_country: "KR",
          shipping_address_state: "N/A",
          shipping_address_city: "Seoul",
        }),
      ])

      await markDelivered(api, store, paid.orderId, fulfillmentId)
      await waitFor("delivered to be sent", async () => (reports().length === 2 ? true : undefined))
      expect(reports()[1]).toMatchObject({ status: "delivered", type: "physical", imp_uid: paid.impUid })
      expect((await view(paid.orderId)).deliveries).toEqual([
        expect.objectContaining({ status: "order_shipped", state: "sent", carrier_tracking_id: TRACKING_NUMBER }),
        expect.objectContaining({ status: "delivered", state: "sent" }),
      ])
      // Nothing is ever sent twice for a status.
      await bus.emit({ name: "delivery.created", data: { id: fulfillmentId } })
      await sendDueDeliveryNotices(getContainer(), new Date(Date.now() + 3_600_000))
      await new Promise((r) => setTimeout(r, 1000))
      expect(reports()).toHaveLength(2)
    })

    it("the test-payment cleanup cancels only test payments older than the setting, through a ticket, and logs each", async () => {
      const old = await paidOrder(api, store, pay)
      await new Promise((r) => setTimeout(r, 1500))
      const young = await paidOrder(api, store, pay)
      const [oldPayment] = await getContainer().resolve(Modules.PAYMENT).listPayments({ id: old.paymentId })
      const capturedAt = new Date(oldPayment.captured_at as Date).getTime()
      const logger = getContainer().resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      const info = jest.spyOn(logger, "info")
      try {
        // 60 minutes and 0.7 s after the first capture: the first payment is old enough, the second is not.
        const now = new Date(capturedAt + 60 * 60_000 + 700)
        expect(await cancelOldTestPayments(getContainer(), now)).toEqual({ cancelled: [old.paymentId], failed: [] })
        expect(await sandboxTickets(sandbox(), old.impUid)).toEqual([
          expect.objectContaining({ amount: old.amount, status: "open" }),
        ])
        expect(await sandboxTickets(sandbox(), young.impUid)).toEqual([])
        expect(await ticketsOf(getContainer(), old.paymentId)).toEqual([
          expect.objectContaining({
            status: "waiting_for_cancellation",
            requested_by: null,
            note: expect.stringContaining("autoCancelTestPaymentsAfterMinutes"),
          }),
        ])
        expect(
          info.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("cancelled automatically"))
        ).toEqual([expect.stringContaining(old.paymentId)])
        // Its money is already asked back: the next run asks nothing more of it, and takes the second once it is old.
        expect(await cancelOldTestPayments(getContainer(), now)).toEqual({ cancelled: [], failed: [] })
        const [youngPayment] = await getContainer().resolve(Modules.PAYMENT).listPayments({ id: young.paymentId })
        const later = new Date(new Date(youngPayment.captured_at as Date).getTime() + 60 * 60_000 + 1000)
        expect(await cancelOldTestPayments(getContainer(), later)).toEqual({ cancelled: [young.paymentId], failed: [] })
        expect(await sandboxTickets(sandbox(), old.impUid)).toHaveLength(1)
      } finally {
        info.mockRestore()
      }
      expect((await view(old.orderId)).auto_cancel_at).toBe(new Date(capturedAt + 60 * 60_000).toISOString())
    })

    it("a settlement reads Medusa's payment once when it has nothing to book; a booking reads it afresh, and after", async () => {
      // No webhooks: the job settles alone, with Medusa's payment reads counted.
      sandbox().context.webhooks.configure({ url: null })
      const paid = await paidOrder(api, store, pay)
      expect((await adminRefund(api, store, paid.paymentId, { amount: 3000 })).status).toBe(200)
      const query = getContainer().resolve(ContainerRegistrationKeys.QUERY)
      const graph = jest.spyOn(query, "graph")
      // A settlement's read of the payment's state is the one that asks for its captures (utils/payment-state).
      const stateReads = () =>
        graph.mock.calls.filter(
          ([q]) =>
            q.entity === "payment" &&
            (q.fields as string[] | undefined)?.includes("captures.amount") &&
            (q.filters as AnyRecord | undefined)?.id === paid.paymentId
        ).length
      try {
        // The ticket still waits at Paymentwall: read once, and the flag steps take that read.
        await settleOpenPayments(getContainer())
        expect(stateReads()).toBe(1)
        // Approved: the booking reads afresh (a taken-over booking decides on the Refunds Medusa holds now), then
        // once more after Medusa wrote the Refund.
        await settleAll(sandbox(), paid.impUid, "approved")
        graph.mockClear()
        await settleOpenPayments(getContainer())
        expect(await ticketsOf(getContainer(), paid.paymentId)).toEqual([
          expect.objectContaining({ status: "completed", amount: 3000 }),
        ])
        expect(stateReads()).toBe(3)
      } finally {
        graph.mockRestore()
      }
    })

    it("policies: a user without write permission on payments is refused with 403, and nothing reaches i'mport", async () => {
      // No webhooks: the checkout's own notice would look the payment up, and this test counts i'mport's calls.
      sandbox().context.webhooks.configure({ url: null })
      const paid = await paidOrder(api, store, pay)
      const viewerRole = await makeRole(getContainer(), "viewer", ["order:read", "payment:read"])
      const viewer = await loginAdmin(api, getContainer(), [viewerRole])
      const nobody = await loginAdmin(api, getContainer(), [])
      const as = (who: { headers: Record<string, string> }) => ({ headers: who.headers, validateStatus: () => true })
      sandbox().context.stats.clear()

      expect((await api.get(`/admin/iamport-paymentwall/orders/${paid.orderId}`, as(viewer))).status).toBe(200)
      expect((await api.get(`/admin/iamport-paymentwall/orders/${paid.orderId}`, as(nobody))).status).toBe(403)
      const writes = [
        api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, as(viewer)),
        api.post(`/admin/iamport-paymentwall/tickets/pwct_unknown/retry`, {}, as(viewer)),
        api.post(`/admin/iamport-paymentwall/tickets/pwct_unknown/confirm-rejection`, {}, as(viewer)),
        api.post(`/admin/iamport-paymentwall/tickets/pwct_unknown/dismiss`, {}, as(viewer)),
        api.post(`/admin/payments/${paid.paymentId}/refund`, { amount: 1000 }, as(viewer)),
      ]
      for (const res of await Promise.all(writes)) {
        expect({ url: res.config.url, status: res.status }).toEqual({ url: res.config.url, status: 403 })
      }
      expect(sandbox().context.stats.get("POST /payments/cancel") ?? 0).toBe(0)
      expect(sandbox().context.stats.get("GET /payments/{imp_uid}") ?? 0).toBe(0)
      expect(await ticketsOf(getContainer(), paid.paymentId)).toEqual([])

      // The store's full admin may act.
      expect(
        (await api.post(`/admin/iamport-paymentwall/payments/${paid.paymentId}/settle`, {}, as(store.admin))).status
      ).toBe(200)
      expect((await adminRefund(api, store, paid.paymentId, { amount: 1000 })).status).toBe(200)
    })
  },
  path.join(__dirname, "../operations"),
  { adminRoles: async (container) => [await makeRole(container, "super", ["*:*"])] }
)
