#!/usr/bin/env node
/* npm test's first step: the browser tests need Chromium. As root on Debian it installs Debian's Chromium and CJK
 * fonts itself (scripts/browser.sh, once); elsewhere it stops at once with the command that fixes it, rather than
 * fail (or skip) twenty minutes later. */
const { spawnSync } = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const present = () => {
  try {
    fs.accessSync(chromium, fs.constants.X_OK)
    return true
  } catch {
    return false
  }
}

if (!present() && !process.env.CHROMIUM_PATH && process.getuid?.() === 0 && fs.existsSync("/usr/bin/apt-get")) {
  console.log("tests: Chromium is missing; installing Debian's chromium and CJK fonts (scripts/browser.sh)")
  spawnSync("bash", [path.join(__dirname, "browser.sh")], { stdio: "inherit" })
}
if (!present()) {
  console.error(
    `tests: Chromium is missing at ${chromium}; the browser tests need it.\n` +
      `  Install Debian's Chromium and CJK fonts: sudo bash scripts/browser.sh\n` +
      `  or point CHROMIUM_PATH at a Chromium or Chrome binary.`
  )
  process.exit(1)
}
