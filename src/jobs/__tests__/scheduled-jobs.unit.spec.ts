import type { MedusaContainer } from "@medusajs/framework/types"
import cancelTestPaymentsJob from "../cancel-test-payments"
import sendDeliveryNoticesJob from "../send-delivery-notices"
import settleOpenPaymentsJob from "../settle-open-payments"
import { IAMPORT_PAYMENTWALL_MODULE } from "../../modules/iamport-paymentwall"
import { resolvePluginSettings } from "../../modules/iamport-paymentwall/settings"

/** A container with only the plugin's settings and a logger: a job that goes past the switch fails on what it lacks. */
function containerWith(options: Record<string, unknown>) {
  const warnings: string[] = []
  const services: Record<string, unknown> = {
    // Anything past settings() is the job's work.
    [IAMPORT_PAYMENTWALL_MODULE]: new Proxy(
      { settings: () => resolvePluginSettings(options) },
      {
        get: (target, key) => {
          if (key === "settings") {
            return target.settings
          }
          throw new Error(`the job ran: it used the module's ${String(key)}`)
        },
      }
    ),
    logger: { warn: (line: string) => warnings.push(line), info: () => undefined },
  }
  const container = {
    resolve: (key: string) => {
      if (!(key in services)) {
        throw new Error(`the job ran: it resolved ${key}`)
      }
      return services[key]
    },
  } as unknown as MedusaContainer
  return { container, warnings }
}

const jobs = [
  ["settle-open-payments", settleOpenPaymentsJob],
  ["send-delivery-notices", sendDeliveryNoticesJob],
  ["cancel-test-payments", cancelTestPaymentsJob],
] as const

describe("the plugin option scheduledJobs", () => {
  it("false: the process is told once, however many jobs fire", async () => {
    const { container, warnings } = containerWith({ scheduledJobs: false })
    for (const [, job] of jobs) {
      await job(container)
    }
    // First in this file: the warning is once per process.
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/scheduledJobs is false/)
  })

  it.each(jobs)("false: %s returns at once", async (_name, job) => {
    const { container } = containerWith({ scheduledJobs: false })
    await expect(job(container)).resolves.toBeUndefined()
  })

  it.each(jobs)("true (the default): %s goes on to its work", async (_name, job) => {
    await expect(job(containerWith({}).container)).rejects.toThrow("the job ran")
    await expect(job(containerWith({ scheduledJobs: true }).container)).rejects.toThrow("the job ran")
  })

  it("is an option, not the environment: the old variable no longer stops a job", async () => {
    process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS = "off"
    try {
      await expect(settleOpenPaymentsJob(containerWith({}).container)).rejects.toThrow("the job ran")
    } finally {
      delete process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS
    }
  })
})
