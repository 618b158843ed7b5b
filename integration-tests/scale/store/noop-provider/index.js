/* A payment provider that does nothing, for the benchmark's baseline (npm run bench:medusa): Medusa's core notice
 * path (hook route, event bus, Medusa's own webhook subscriber, processPaymentWorkflow, a Capture booked) with no
 * provider work in it. A notice {session_id, amount} reads as "captured". Never for a real store. */
const { AbstractPaymentProvider, ModuleProvider, Modules, PaymentActions } = require("@medusajs/framework/utils")

class NoopPaymentProvider extends AbstractPaymentProvider {
  static identifier = "noop"

  async initiatePayment() {
    return { id: `noop_${Date.now()}_${Math.random().toString(36).slice(2)}`, data: {} }
  }
  async authorizePayment() {
    return { status: "authorized", data: {} }
  }
  async capturePayment(input) {
    return { data: input.data ?? {} }
  }
  async cancelPayment(input) {
    return { data: input.data ?? {} }
  }
  async deletePayment(input) {
    return { data: input.data ?? {} }
  }
  async refundPayment(input) {
    return { data: input.data ?? {} }
  }
  async retrievePayment(input) {
    return { data: input.data ?? {} }
  }
  async updatePayment(input) {
    return { data: input.data ?? {} }
  }
  async getPaymentStatus() {
    return { status: "authorized" }
  }
  async getWebhookActionAndData(payload) {
    const { session_id, amount } = payload.data ?? {}
    return session_id
      ? { action: PaymentActions.SUCCESSFUL, data: { session_id, amount } }
      : { action: PaymentActions.NOT_SUPPORTED }
  }
}

module.exports = ModuleProvider(Modules.PAYMENT, { services: [NoopPaymentProvider] })
