import fs from "node:fs"
import path from "node:path"

/**
 * The documents a store developer reads: a README short enough for ten minutes that opens with the two commands,
 * links that lead somewhere in this repository, and no file that sends a reader to a path outside it.
 */
const ROOT = path.resolve(__dirname, "../..")
const THIS_FILE = path.relative(ROOT, __filename)

const read = (relative: string): string => fs.readFileSync(path.join(ROOT, relative), "utf8")

/** Build output, installed packages and generated assets: nobody writes them by hand. */
const SKIPPED_DIRS = new Set(["node_modules", ".medusa", ".cache", "artifacts", "public", "coverage", "dist"])
const TEXT_FILE = /\.(?:[cm]?[jt]sx?|json|md|sh|html|css)$/

function filesUnder(relative: string): string[] {
  const full = path.join(ROOT, relative)
  if (!fs.existsSync(full)) {
    return []
  }
  if (fs.statSync(full).isFile()) {
    return [relative]
  }
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(relative, entry.name)
    if (entry.isDirectory()) {
      return SKIPPED_DIRS.has(entry.name) ? [] : filesUnder(child)
    }
    return TEXT_FILE.test(entry.name) ? [child] : []
  })
}

const MARKDOWN = ["README.md", "CHANGELOG.md", ...filesUnder("docs").filter((f) => f.endsWith(".md"))]

/** Fenced blocks and inline code hold examples, not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "")
}

function linksOf(markdown: string): string[] {
  const text = prose(markdown)
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1])
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1])
  return [...inline, ...references]
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = prose(markdown).match(/^#{1,6}\s+.+$/gm) ?? []
  return new Set(
    headings.map((h) =>
      h
        .replace(/^#+\s+/, "")
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-")
    )
  )
}

/** What a relative link points at, or why it points nowhere. */
function brokenLink(from: string, target: string): string | null {
  const [pathPart, fragment] = target.split("#", 2)
  const resolved = pathPart
    ? path.resolve(path.dirname(path.join(ROOT, from)), decodeURIComponent(pathPart.split("?")[0]))
    : path.join(ROOT, from)
  if (resolved !== ROOT && !resolved.startsWith(ROOT + path.sep)) {
    return "leaves the repository"
  }
  if (!fs.existsSync(resolved)) {
    return "names no file"
  }
  if (
    fragment &&
    resolved.endsWith(".md") &&
    !anchorsOf(fs.readFileSync(resolved, "utf8")).has(fragment.toLowerCase())
  ) {
    return `names no heading #${fragment}`
  }
  return null
}

describe("the README", () => {
  const readme = read("README.md")

  it("is read in ten minutes: at most 250 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(250)
  })

  it("gives the two commands, exactly, before anything else", () => {
    const firstBlock = readme.match(/```bash\n([\s\S]*?)```/)?.[1] ?? ""
    const commands = firstBlock.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim())
    expect(commands).toContain("npm install && npm run demo")
    expect(commands).toContain("npm test")
  })
})

describe("links in README.md, CHANGELOG.md and docs/", () => {
  it.each(MARKDOWN)("every relative link in %s leads to a file in the repository", (file) => {
    const broken = linksOf(read(file))
      .filter((target) => !isExternal(target))
      .map((target) => ({ target, problem: brokenLink(file, target) }))
      .filter((link) => link.problem)
      .map((link) => `${link.target}: ${link.problem}`)
    expect(broken).toEqual([])
  })
})

/**
 * What a reader is told in a file: a document whole, and in code its comments (a test may read a folder outside
 * the repository, such as the pinned starter storefront, from one constant with an environment override).
 */
function toldLines(file: string): string[] {
  const lines = read(file).split("\n")
  if (!/\.[cm]?[jt]sx?$/.test(file)) {
    return lines
  }
  return lines.map((line) => {
    const trimmed = line.trim()
    if (trimmed.startsWith("*") || trimmed.startsWith("/*") || trimmed.startsWith("//")) {
      return line
    }
    const comment = line.indexOf(" // ")
    return comment >= 0 ? line.slice(comment) : ""
  })
}

describe("no file points outside the repository", () => {
  const scanned = ["src", "scripts", "integration-tests", "docs", "README.md", "CHANGELOG.md"]
    .flatMap(filesUnder)
    .filter((f) => f !== THIS_FILE)

  /** Places that exist only on a maintainer's machine, never in a clone. */
  const OUTSIDE = [/\.\.\/shared\b/, /\/work\/shared\b/, /\bshared\/(?:seed|starters|reference)\//, /\bDESIGN\.md\b/]

  it("reads the source, scripts, tests and documents", () => {
    expect(scanned.length).toBeGreaterThan(100)
  })

  it("mentions no ../shared, /work/shared, shared/seed or DESIGN.md in a document or a comment (the design is docs/design.md)", () => {
    const found = scanned.flatMap((file) =>
      toldLines(file).flatMap((line, i) =>
        OUTSIDE.some((pattern) => pattern.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []
      )
    )
    expect(found).toEqual([])
  })

  it("climbs no ../ path above the repository's root in a document or a comment", () => {
    const found = scanned.flatMap((file) =>
      toldLines(file).flatMap((line, i) =>
        [...line.matchAll(/(?:\.\.\/)+[\w.@-]*/g)]
          .map((m) => m[0])
          .filter((relative) => {
            const resolved = path.resolve(path.dirname(path.join(ROOT, file)), relative)
            return resolved !== ROOT && !resolved.startsWith(ROOT + path.sep)
          })
          .map((relative) => `${file}:${i + 1}: ${relative}`)
      )
    )
    expect(found).toEqual([])
  })
})
