import type { MedusaContainer } from "@medusajs/framework/types"
import cancelTestPaymentsJob from "../cancel-test-payments"
import sendDeliveryNoticesJob from "../send-delivery-notices"
import settleOpenPaymentsJob from "../settle-open-payments"

/** A container that fails the test if a job touches anything. */
const untouchable = { resolve: () => { throw new Error("the job ran") } } as unknown as MedusaContainer

describe("the jobs that call i'mport, while IAMPORT_PAYMENTWALL_SCHEDULED_JOBS is off", () => {
  const before = process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS
  afterEach(() => {
    process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS = before
  })

  it.each([
    ["settle-open-payments", settleOpenPaymentsJob],
    ["send-delivery-notices", sendDeliveryNoticesJob],
    ["cancel-test-payments", cancelTestPaymentsJob],
  ])("%s does nothing, and runs otherwise", async (_name, job) => {
    process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS = "off"
    await expect(job(untouchable)).resolves.toBeUndefined()
    delete process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS
    await expect(job(untouchable)).rejects.toThrow("the job ran")
  })
})
