import type { OrderView } from "./types"

/**
 * The admin is served by the Medusa server itself (/app), so the plugin's routes are on the same origin and the
 * dashboard's session cookie authenticates them.
 */
async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    credentials: "include",
    ...init,
    headers: { "content-type": "application/json", accept: "application/json", ...(init?.headers ?? {}) },
  })
  const body = (await res.json().catch(() => ({}))) as { message?: string }
  if (!res.ok) {
    throw new Error(body.message || `HTTP ${res.status}`)
  }
  return body as T
}

export const paymentwallApi = {
  order: (orderId: string, live: boolean) =>
    call<OrderView>(`/admin/iamport-paymentwall/orders/${orderId}?live=${live}`),
  settle: (paymentId: string) =>
    call<{ booked: string[] }>(`/admin/iamport-paymentwall/payments/${paymentId}/settle`, {
      method: "POST",
      body: "{}",
    }),
  retry: (ticketId: string) =>
    call(`/admin/iamport-paymentwall/tickets/${ticketId}/retry`, { method: "POST", body: "{}" }),
  dismiss: (ticketId: string) =>
    call(`/admin/iamport-paymentwall/tickets/${ticketId}/dismiss`, { method: "POST", body: "{}" }),
  confirmRejection: (ticketId: string) =>
    call(`/admin/iamport-paymentwall/tickets/${ticketId}/confirm-rejection`, { method: "POST", body: "{}" }),
  keepWaiting: (ticketId: string) =>
    call(`/admin/iamport-paymentwall/tickets/${ticketId}/keep-waiting`, { method: "POST", body: "{}" }),
  close: (ticketId: string, note?: string) =>
    call(`/admin/iamport-paymentwall/tickets/${ticketId}/close`, { method: "POST", body: JSON.stringify({ note }) }),
  bindApproval: (ticketId: string) =>
    call(`/admin/iamport-paymentwall/tickets/${ticketId}/bind-approval`, { method: "POST", body: "{}" }),
  cancelAttempt: (attemptId: string) =>
    call(`/admin/iamport-paymentwall/attempts/${attemptId}/cancel`, { method: "POST", body: "{}" }),
}

/** Under the dashboard's order-detail key, so its own Refund form invalidates this too. */
export const paymentwallQueryKey = (orderId: string) => ["orders", "detail", orderId, "iamport-paymentwall"] as const
