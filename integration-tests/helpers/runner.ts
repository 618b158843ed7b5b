import path from "node:path"
import type { AxiosInstance, InternalAxiosRequestConfig } from "axios"
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

/** How long Medusa 2.21's hook route holds a notice before its subscribers run. */
const HOOK_HOLD_MS = 5000

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
    testSuite: ({ api, getContainer, utils }) => {
      let store: Store | undefined
      let lastHookPost = 0
      // Runs after the runner's beforeAll (the app is up) and before its first beforeEach, which snapshots the
      // database: every test's restore brings this store back, so no test seeds its own.
      beforeAll(async () => {
        const roles = options.adminRoles ? await options.adminRoles(getContainer()) : []
        store = await seedStore(api, getContainer(), undefined, undefined, roles)
        api.interceptors.request.use((config: InternalAxiosRequestConfig) => {
          if (config.url?.startsWith("/hooks/payment/")) {
            lastHookPost = Date.now()
          }
          return config
        })
      })
      // The hook route holds each notice 5 s before its subscribers run. One a test did not wait for would land in
      // the next test, after the database was restored and the sandbox reset (and count as that test's i'mport call),
      // so a test ends only once the last notice it sent, or the sandbox sent for it, was handed on and its work done.
      afterEach(async () => {
        const sent = sandbox().context.webhooks.deliveries.map((d) => Date.parse(d.at))
        const wait = Math.max(lastHookPost, ...sent) + HOOK_HOLD_MS + 1000 - Date.now()
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait))
        }
        await utils.waitWorkflowExecutions()
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
