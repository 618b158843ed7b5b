import type { MedusaContainer } from "@medusajs/framework/types"
import cancelTestPaymentsJob from "../cancel-test-payments"
import sendDeliveryNoticesJob from "../send-delivery-notices"
import settleOpenPaymentsJob from "../settle-open-payments"

/** A container that fails the test if a job touches anything. */
const untouchable = { resolve: () => { throw new Error("the job ran") } } as unknown as MedusaContainer

describe("the jobs that call i'mport, while IAMPORT_PAYMENTWALL_SCHEDULED_JOBS is off", () => {
  const before = { jobs: process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS, env: process.env.NODE_ENV }
  afterEach(() => {
    process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS = before.jobs
    process.env.NODE_ENV = before.env
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

  it("is ignored outside tests: a copied env file never stops the settlement in a store", async () => {
    process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS = "off"
    process.env.NODE_ENV = "production"
    await expect(settleOpenPaymentsJob(untouchable)).rejects.toThrow("the job ran")
  })
})
