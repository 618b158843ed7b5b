import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { lockingScopeWarning } from "../locking-scope"

function containerWith(workerMode: string | undefined, lockingProvider: string | null): MedusaContainer {
  const registered: Record<string, unknown> = {
    [ContainerRegistrationKeys.CONFIG_MODULE]: { projectConfig: { workerMode } },
    ...(lockingProvider ? { [Modules.LOCKING]: { defaultProviderId: lockingProvider } } : {}),
  }
  return { resolve: (key: string) => registered[key] } as unknown as MedusaContainer
}

describe("lockingScopeWarning", () => {
  it("warns a server or a worker whose locks are Medusa's in-memory ones", () => {
    for (const mode of ["server", "worker"]) {
      expect(lockingScopeWarning(containerWith(mode, "in-memory"))).toMatch(
        new RegExp(`workerMode "${mode}".*locking-redis`)
      )
    }
  })

  it("says nothing to a single shared process, or when a shared provider locks", () => {
    expect(lockingScopeWarning(containerWith("shared", "in-memory"))).toBeNull()
    expect(lockingScopeWarning(containerWith(undefined, "in-memory"))).toBeNull()
    expect(lockingScopeWarning(containerWith("worker", "locking-redis"))).toBeNull()
    expect(lockingScopeWarning(containerWith("server", "locking-postgres"))).toBeNull()
  })
})
