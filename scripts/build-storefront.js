#!/usr/bin/env node
// Builds the storefront helper (medusa-payment-iamport-paymentwall/storefront) as browser ESM with declarations in
// .medusa/storefront; `medusa plugin:build` builds the server side as CommonJS and does not touch this folder.
const { execFileSync } = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")

const root = path.join(__dirname, "..")
execFileSync(
  process.execPath,
  [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.storefront.json")],
  { stdio: "inherit" }
)
// The package itself is CommonJS: this folder says its files are ES modules, for Node (SSR) as for bundlers.
fs.writeFileSync(path.join(root, ".medusa", "storefront", "package.json"), JSON.stringify({ type: "module" }) + "\n")
