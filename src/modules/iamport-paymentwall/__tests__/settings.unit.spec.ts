import { resolvePluginSettings } from "../settings"

describe("plugin options, checked at boot", () => {
  it("fills the defaults", () => {
    expect(resolvePluginSettings(undefined)).toEqual({
      rejectionGraceSeconds: 60,
      ticketAttentionAfterHours: 72,
      reconcileSweepDays: 30,
      webhookRetentionDays: 30,
      deliveryConfirmation: true,
      deliveryCarriers: {},
      deliveryDefaultCarrier: "Other",
      deliveryEstimateDays: 7,
      scheduledJobs: true,
    })
    expect(() => resolvePluginSettings({ reconcileSweepDays: -1 })).toThrow(
      /"reconcileSweepDays" must be a number from 0/
    )
    expect(resolvePluginSettings({ webhookRetentionDays: 7 }).webhookRetentionDays).toBe(7)
  })

  it.each([0, -1, 3651, "30", Number.NaN])("refuses webhookRetentionDays %p, naming the option", (value) => {
    expect(() => resolvePluginSettings({ webhookRetentionDays: value })).toThrow(
      '"webhookRetentionDays" must be a number from 1 to 3650 (medusa-config.ts → plugins → options)'
    )
  })

  it("still refuses the older options as before", () => {
    expect(() => resolvePluginSettings({ rejectionGraceSeconds: -1 })).toThrow(
      '"rejectionGraceSeconds" must be a number from 0 to 86400'
    )
  })

  it("reads the delivery options and refuses malformed ones, naming each", () => {
    expect(
      resolvePluginSettings({
        deliveryConfirmation: false,
        deliveryCarriers: { manual_manual: " CJ Logistics " },
        deliveryDefaultCarrier: "EMS",
      })
    ).toMatchObject({
      deliveryConfirmation: false,
      deliveryCarriers: { manual_manual: "CJ Logistics" },
      deliveryDefaultCarrier: "EMS",
    })
    expect(() => resolvePluginSettings({ deliveryConfirmation: "no" })).toThrow(
      '"deliveryConfirmation" must be true or false'
    )
    expect(() => resolvePluginSettings({ deliveryCarriers: ["CJ"] })).toThrow(
      '"deliveryCarriers" must map fulfillment provider ids'
    )
    expect(() => resolvePluginSettings({ deliveryCarriers: { manual_manual: 3 } })).toThrow(
      '"deliveryCarriers" must map'
    )
    expect(() => resolvePluginSettings({ deliveryDefaultCarrier: "" })).toThrow(
      '"deliveryDefaultCarrier" must be a non-empty string'
    )
    expect(() => resolvePluginSettings({ deliveryEstimateDays: 400 })).toThrow(
      '"deliveryEstimateDays" must be a number from 0 to 365'
    )
  })

  it("reads scheduledJobs, a boolean only", () => {
    expect(resolvePluginSettings({ scheduledJobs: false }).scheduledJobs).toBe(false)
    expect(() => resolvePluginSettings({ scheduledJobs: "off" })).toThrow('"scheduledJobs" must be true or false')
  })
})
