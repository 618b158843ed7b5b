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
  /** A fresh seeded store for each test (the runner restores the database between tests). */
  store: () => Store
}

/**
 * One Medusa app boot for a whole spec file, with the plugin pointed at a sandbox that starts first. Before each
 * test the sandbox is reset, its webhooks go to the app's hook route, and a store is seeded.
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
      beforeEach(async () => {
        sandbox().context.reset()
        sandbox().context.webhooks.configure({ url: `${api.defaults.baseURL}${WEBHOOK_PATH}` })
        const roles = options.adminRoles ? await options.adminRoles(getContainer()) : []
        store = await seedStore(api, getContainer(), undefined, undefined, roles)
      })
      suite({
        api,
        getContainer,
        sandbox,
        store: () => {
          if (!store) {
            throw new Error("the store is seeded in beforeEach")
          }
          return store
        },
      })
    },
  })
}
