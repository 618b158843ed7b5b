import type { DeliveryNotice } from "../../../../modules/iamport-paymentwall"
import { carrierFor, deliveryRequest, MAX_DELIVERY_ATTEMPTS, nextAttemptAfter } from "../delivery-request"

const now = new Date("2026-12-02T00:00:00Z")
const at = now.getTime() / 1000
const notice = (overrides: Partial<DeliveryNotice>): DeliveryNotice =>
  ({
    imp_uid: "imp_1",
    merchant_uid: "pw_payses_1",
    status: "order_shipped",
    type: "physical",
    carrier_type: "CJ Logistics",
    carrier_tracking_id: "CJ1",
    ...overrides,
  }) as DeliveryNotice
const order = {
  email: "buyer@example.com",
  shipping_address: {
    first_name: "Jiwoo",
    last_name: "Park",
    address_1: "1 Sejong-daero",
    address_2: "3F",
    city: "Seoul",
    postal_code: "04524",
    country_code: "kr",
    province: null,
    phone: "010",
  },
}

describe("the delivery report i'mport receives", () => {
  it("a shipment carries its tracking, carrier, address, and an estimate days ahead; the state is N/A outside the US", () => {
    expect(deliveryRequest(notice({}), order, 7, now)).toEqual({
      imp_uid: "imp_1",
      merchant_uid: "pw_payses_1",
      type: "physical",
      status: "order_shipped",
      estimated_delivery_datetime: at + 7 * 86_400,
      estimated_update_datetime: at,
      refundable: "yes",
      shipping_address_email: "buyer@example.com",
      carrier_tracking_id: "CJ1",
      carrier_type: "CJ Logistics",
      shipping_address_country: "KR",
      shipping_address_city: "Seoul",
      shipping_address_zip: "04524",
      shipping_address_state: "N/A",
      shipping_address_street: "1 Sejong-daero, 3F",
      shipping_address_phone: "010",
      shipping_address_firstname: "Jiwoo",
      shipping_address_lastname: "Park",
    })
  })

  it("a US address keeps its state; a delivery's estimate is now", () => {
    const us = { ...order, shipping_address: { ...order.shipping_address, country_code: "us", province: "CA" } }
    expect(deliveryRequest(notice({ status: "delivered" }), us, 7, now)).toMatchObject({
      shipping_address_state: "CA",
      estimated_delivery_datetime: at,
    })
  })

  it("a digital delivery carries no address or carrier", () => {
    const request = deliveryRequest(
      notice({ status: "delivered", type: "digital", carrier_type: null, carrier_tracking_id: null }),
      order,
      7,
      now
    )
    expect(
      Object.keys(request).filter((k) => k.startsWith("shipping_address_") && k !== "shipping_address_email")
    ).toEqual([])
    expect(request).toMatchObject({
      type: "digital",
      status: "delivered",
      estimated_delivery_datetime: at,
      details: expect.any(String),
    })
    expect(request).not.toHaveProperty("carrier_type")
  })
})

describe("carrier mapping and backoff", () => {
  it("maps by fulfillment provider, then by shipping option name, else the default", () => {
    const carriers = { manual_manual: "CJ Logistics", Express: "EMS" }
    expect(carrierFor(carriers, "Other", "manual_manual", "Express")).toBe("CJ Logistics")
    expect(carrierFor(carriers, "Other", "dhl_dhl", "Express")).toBe("EMS")
    expect(carrierFor(carriers, "Other", null, null)).toBe("Other")
  })

  it("waits 1, 2, 4 … minutes after failures, at most 6 hours, and gives up after a bounded number", () => {
    expect([1, 2, 3, 4].map(nextAttemptAfter)).toEqual([60_000, 120_000, 240_000, 480_000])
    expect(nextAttemptAfter(30)).toBe(6 * 3_600_000)
    expect(MAX_DELIVERY_ATTEMPTS).toBeGreaterThan(3)
  })
})
