import path from "node:path"
import type { AxiosInstance } from "axios"
import type { MedusaContainer } from "@medusajs/framework/types"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { RunningSandbox } from "../../src/sandbox"
import { WEBHOOK_PATH, useSandbox } from "./sandbox"
import { seedStore, type Store } from "./store"

export type StoreSuite = {
  api: AxiosInstance
  getContainer: () => MedusaContainer
  sandbox: () => RunningSandbox
  /** The seeded store, the same in every test: the runner restores the database, store included, before each test. */
  store: () => Store
}

/**
 * One Medusa app boot for a whole spec file, with the plugin pointed at a sandbox that starts first. The store is
 * seeded once, before the runner copies the database as the template it restores before every test; before each
 * test the sandbox is reset and its webhooks go to the app's hook route.
 */
export type StoreOptions = {
  /** Runs before each seeding (a store with RBAC on makes its roles here); returns the seeded admin's role ids. */
  adminRoles?: (container: MedusaContainer) => Promise<string[]>
}

export function describeStore(
  suite: (context: StoreSuite) => void,
  appDir = path.join(__dirname, ".."),
  options: StoreOptions = {}
): void {
  jest.setTimeout(180_000)
  const sandbox = useSandbox()
  medusaIntegrationTestRunner({
    cwd: appDir,
    inApp: true,
    testSuite: ({ api, getContainer }) => {
      let store: Store | undefined
      // Runs after the runner's beforeAll (the app is up) and before its first beforeEach, which snapshots the
      // database: every test's restore brings this store back, so no test seeds its own.
      beforeAll(async () => {
        const roles = options.adminRoles ? await options.adminRoles(getContainer()) : []
        store = await seedStore(api, getContainer(), undefined, undefined, roles)
      })
      beforeEach(() => {
        sandbox().context.reset()
        sandbox().context.webhooks.configure({ url: `${api.defaults.baseURL}${WEBHOOK_PATH}` })
      })
      suite({
        api,
        getContainer,
        sandbox,
        store: () => {
          if (!store) {
            throw new Error("the store is seeded in beforeAll")
          }
          return store
        },
      })
    },
  })
}
