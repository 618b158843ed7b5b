import fs from "node:fs"
import path from "node:path"

const root = path.resolve(__dirname, "../..")
const pluginAdmin = path.join(root, ".medusa/server/src/admin/index.mjs")

/**
 * Builds Medusa's dashboard with this plugin's admin extensions, as `medusa build` does in a store, into
 * `<appDir>/public/admin`, where the server serves it from. Skipped when the build is newer than the plugin's.
 */
export async function buildAdmin(appDir: string): Promise<string> {
  const outDir = path.join(appDir, "public/admin")
  const built = path.join(outDir, "index.html")
  if (!fs.existsSync(pluginAdmin)) {
    throw new Error("Build the plugin first (npm run build): its admin bundle is missing")
  }
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs > fs.statSync(pluginAdmin).mtimeMs) {
    return outDir
  }
  const { build } = (await import("@medusajs/admin-bundler")) as unknown as {
    build: (options: Record<string, unknown>) => Promise<void>
  }
  await build({
    disable: false,
    path: "/app",
    backendUrl: "/",
    outDir,
    sources: [],
    // The built package, as a store installs it (its "./admin" export).
    plugins: [pluginAdmin],
  })
  return outDir
}
