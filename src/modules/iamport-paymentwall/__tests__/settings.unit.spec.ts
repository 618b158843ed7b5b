import { resolvePluginSettings } from "../settings"

describe("plugin options, checked at boot", () => {
  it("fills the defaults", () => {
    expect(resolvePluginSettings(undefined)).toEqual({ rejectionGraceSeconds: 60, ticketAttentionAfterHours: 72, reconcileSweepDays: 30, webhookRetentionDays: 30 })
    expect(() => resolvePluginSettings({ reconcileSweepDays: -1 })).toThrow(/"reconcileSweepDays" must be a number from 0/)
    expect(resolvePluginSettings({ webhookRetentionDays: 7 }).webhookRetentionDays).toBe(7)
  })

  it.each([0, -1, 3651, "30", Number.NaN])("refuses webhookRetentionDays %p, naming the option", (value) => {
    expect(() => resolvePluginSettings({ webhookRetentionDays: value })).toThrow(
      '"webhookRetentionDays" must be a number from 1 to 3650 (medusa-config.ts → plugins → options)'
    )
  })

  it("still refuses the older options as before", () => {
    expect(() => resolvePluginSettings({ rejectionGraceSeconds: -1 })).toThrow('"rejectionGraceSeconds" must be a number from 0 to 86400')
  })
})
