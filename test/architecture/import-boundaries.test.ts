/**
 * Enforces ARCHITECTURE.md's import rules on production code (tests may cross boundaries to
 * wire real parts together). A violation names the file, the import and the rule.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

/** folder → folders its production code may import from (besides itself and npm packages). */
const ALLOWED: Record<string, string[]> = {
  common: [],
  seeds: ["common"],
  products: ["common"],
  enclave: ["common", "seeds"],
  server: ["common", "seeds", "products"],
  web: ["common"],
};
const PACKAGE_FOLDER: Record<string, string> = {
  "@pdx/common": "common",
  "@pdx/seeds": "seeds",
  "@pdx/products": "products",
  "@pdx/enclave": "enclave",
  "@pdx/server": "server",
  "@pdx/web": "web",
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "migrations"].includes(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts"))
      out.push(p);
  }
  return out;
}

const IMPORT_RE =
  /^\s*(import|export)\s+(type\s+)?[^;'"]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;

function violations(root: string = ROOT): string[] {
  const found: string[] = [];
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    let files: string[];
    try {
      files = sourceFiles(join(root, folder));
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(IMPORT_RE)) {
        const typeOnly = Boolean(m[2]);
        const spec = m[3] ?? m[4]!;
        let target: string | undefined;
        if (spec.startsWith(".")) {
          target = relative(root, resolve(file, "..", spec)).split("/")[0];
        } else {
          const pkg = spec.split("/").slice(0, 2).join("/");
          target = PACKAGE_FOLDER[pkg];
        }
        if (!target || target === folder || allowed.includes(target)) continue;
        // The web app may import the server's router TYPE only (compile-time, no runtime code).
        if (folder === "web" && target === "server" && typeOnly) continue;
        found.push(
          `${relative(root, file)} imports "${spec}" (${folder} may import: ${allowed.join(", ") || "nothing of ours"})`,
        );
      }
    }
  }
  return found;
}

describe("import boundaries (ARCHITECTURE.md)", () => {
  it("production code imports only what its folder may import", () => {
    expect(violations()).toEqual([]);
  });

  it("the checker reports forbidden imports and lets allowed ones pass", () => {
    const root = mkdtempSync(join(tmpdir(), "pdx-arch-"));
    const write = (path: string, text: string) => {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write(
      "server/src/a.ts",
      'import { x } from "@pdx/enclave/src/app";\nimport { y } from "@pdx/common/hash";\n',
    );
    write("enclave/src/b.ts", 'export { z } from "../../server/src/db";\n');
    write(
      "web/lib/c.ts",
      'import type { AppRouter } from "@pdx/server/router";\nimport { q } from "@pdx/server/router";\n',
    );
    write("server/src/a.test.ts", 'import { x } from "@pdx/enclave/src/app";\n');
    expect(violations(root).sort()).toEqual([
      'enclave/src/b.ts imports "../../server/src/db" (enclave may import: common, seeds)',
      'server/src/a.ts imports "@pdx/enclave/src/app" (server may import: common, seeds, products)',
      'web/lib/c.ts imports "@pdx/server/router" (web may import: common)',
    ]);
  });
});
