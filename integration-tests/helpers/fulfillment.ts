import type { AxiosInstance } from "axios"
import type { Store } from "./store"

export const TRACKING_NUMBER = "CJ123456789KR"

/** The admin fulfils the whole order and ships it with a tracking number, as the dashboard does; returns the fulfillment id. */
export async function shipOrder(api: AxiosInstance, store: Store, orderId: string): Promise<string> {
  const order = (await api.get(`/admin/orders/${orderId}?fields=*items`, store.admin)).data.order
  const items = (order.items as { id: string; quantity: number }[]).map((i) => ({ id: i.id, quantity: i.quantity }))
  const fulfilled = (
    await api.post(`/admin/orders/${orderId}/fulfillments?fields=*fulfillments`, { items }, store.admin)
  ).data.order
  const fulfillment = fulfilled.fulfillments[0] as { id: string }
  await api.post(
    `/admin/orders/${orderId}/fulfillments/${fulfillment.id}/shipments`,
    {
      items,
      labels: [
        {
          tracking_number: TRACKING_NUMBER,
          tracking_url: `https://trace.example/${TRACKING_NUMBER}`,
          label_url: "https://label.example/1",
        },
      ],
    },
    store.admin
  )
  return fulfillment.id
}

/** *Mark as delivered* on a fulfillment. */
export async function markDelivered(
  api: AxiosInstance,
  store: Store,
  orderId: string,
  fulfillmentId: string
): Promise<void> {
  await api.post(`/admin/orders/${orderId}/fulfillments/${fulfillmentId}/mark-as-delivered`, {}, store.admin)
}
