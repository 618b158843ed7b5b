#!/usr/bin/env node
/* npm test's first step: the browser tests need Chromium; say so at once, with the command that fixes it, rather
 * than fail (or skip) twenty minutes later. */
const fs = require("node:fs")

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
try {
  fs.accessSync(chromium, fs.constants.X_OK)
} catch {
  console.error(
    `tests: Chromium is missing at ${chromium}; the browser tests need it.\n` +
      `  Install Debian's Chromium and CJK fonts: bash scripts/browser.sh (as root)\n` +
      `  or point CHROMIUM_PATH at a Chromium or Chrome binary.`
  )
  process.exit(1)
}
