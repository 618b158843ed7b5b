/* What the demo builds before it starts, each only when its sources changed: the plugin, the admin dashboard with
 * the plugin's widget, and the storefront page's bundle. */
const { execFileSync } = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")

/** The newest modification time under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!fs.existsSync(dir)) {
    return 0
  }
  let latest = fs.statSync(dir).mtimeMs
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs)
  }
  return latest
}

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0)

/** `npm run build` when the build is missing or older than src/. Returns true when it built. */
function buildPluginIfStale(root) {
  const marker = path.join(root, ".medusa", "storefront", "index.js")
  if (mtime(marker) > newest(path.join(root, "src")) && mtime(path.join(root, ".medusa", "server", "src", "sandbox", "index.js"))) {
    return false
  }
  execFileSync(process.execPath, [path.join(root, "node_modules", "@medusajs", "cli", "cli.js"), "plugin:build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] })
  execFileSync(process.execPath, [path.join(root, "scripts", "build-storefront.js")], { cwd: root, stdio: "inherit" })
  return true
}

/**
 * Medusa's dashboard with the plugin's admin extensions, as `medusa build` makes it in a store, into
 * `<storeDir>/public/admin` where `medusa start` serves it. Resolves true when it built.
 */
async function buildAdminIfStale(root, storeDir) {
  const pluginAdmin = path.join(root, ".medusa", "server", "src", "admin", "index.mjs")
  const outDir = path.join(storeDir, "public", "admin")
  if (mtime(path.join(outDir, "index.html")) > mtime(pluginAdmin)) {
    return false
  }
  const { build } = await import("@medusajs/admin-bundler")
  const cwd = process.cwd()
  // The bundler writes its entry files under the current directory's .medusa/client.
  process.chdir(storeDir)
  try {
    await build({ disable: false, path: "/app", backendUrl: "/", outDir, sources: [], plugins: [pluginAdmin] })
  } finally {
    process.chdir(cwd)
  }
  return true
}

/** The storefront page's script with @medusajs/js-sdk and the plugin's storefront helper, as one browser module. */
async function bundleStorefront(root, outDir) {
  const esbuild = require("esbuild")
  await esbuild.build({
    entryPoints: [path.join(root, "demo", "storefront", "main.js")],
    outfile: path.join(outDir, "main.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
    alias: { "medusa-payment-iamport-paymentwall/storefront": path.join(root, ".medusa", "storefront", "index.js") },
  })
}

module.exports = { buildAdminIfStale, buildPluginIfStale, bundleStorefront }
