// `npm run build`: the compiled JavaScript that `npm start` and `npx course-import` run (issue 17, W7). Each
// entry point becomes one ESM file in dist/ bundled by esbuild from the TypeScript source, with its source map:
// no TypeScript compiled at every start, and each process loads only the modules its entry imports. The services'
// packages stay in node_modules (not bundled): the Temporal worker and its native core load them by path. The CLI,
// a client only, bundles its packages as well (its start-up is part of every command).
// The workflows are not built here: the Temporal worker bundles them itself from src/workflows (its own
// sandbox bundle, src/worker/create-worker.ts). Views, locales, migrations and public/ are read from the
// checkout (src/paths.ts), so dist/ holds code only. bin/course-import.js runs dist/cli.js only while it is
// newer than the source, and falls back to the source through tsx otherwise.
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The entry points: dist/<name>.js from src/<file>. */
export const ENTRIES: Readonly<Record<string, string>> = {
  cli: 'src/cli/main.ts',
  worker: 'src/worker/main.ts',
  watcher: 'src/watcher/main.ts',
  server: 'src/api/server.ts',
  supervisor: 'src/supervisor/main.ts',
};

export const distDir = path.join(root, 'dist');

/**
 * Bundles every entry into dist/ (removed first, so no stale file survives). Throws esbuild's error (with the
 * file and line) when the source does not compile. Type checking is `npm run typecheck`'s job, not this one's.
 */
export async function buildAll(): Promise<{ files: string[]; ms: number }> {
  const started = Date.now();
  await rm(distDir, { recursive: true, force: true });
  const common = {
    absWorkingDir: root,
    metafile: true,
    outdir: distDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    // Modules shared by several entries are bundled into each one: one file per process, nothing to resolve.
    splitting: false,
    logLevel: 'warning',
  } as const;
  const { cli, ...services } = ENTRIES;
  const results = await Promise.all([
    build({ ...common, entryPoints: services, packages: 'external' }),
    // The CLI is started for every command, so its start-up is what a user waits for (W7: `course-import FILE
    // --wait` ≤ 1.5 s end to end): its packages are bundled too, which spares Node resolving and loading a few
    // hundred CommonJS files of node_modules at each start (0.67 → 0.40 s for --help). Bundled CommonJS code
    // still calls require() for Node's own modules: the banner gives the ES module one.
    build({
      ...common,
      entryPoints: { cli: cli! },
      banner: { js: "import { createRequire as createRequireForBundledPackages } from 'node:module'; const require = createRequireForBundledPackages(import.meta.url);" },
    }),
  ]);
  checkExternalImports([...new Set(results.flatMap((r) => Object.values(r.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path))))]);
  return { files: Object.keys(ENTRIES).map((n) => path.join('dist', `${n}.js`)), ms: Date.now() - started };
}

/**
 * Fails the build when a package import of the bundles would not load in plain Node: the bundles import packages
 * from node_modules by their specifier, and Node's ESM resolver (unlike tsx's, which this script runs under)
 * neither adds file extensions nor reads past a package's `exports` map ("@temporalio/common/lib/time" worked
 * through tsx and crashed the built server). Checked in a child `node` without loaders, from the project root.
 */
function checkExternalImports(specifiers: string[]): void {
  const packages = specifiers.filter((s) => !s.startsWith('node:') && !isBuiltin(s));
  // import.meta.resolve maps a subpath of a package without an exports map to a URL without looking at the disk:
  // the file must exist too.
  const script = [
    "import { existsSync } from 'node:fs'; import { fileURLToPath } from 'node:url';",
    'const bad = [];',
    "for (const s of process.argv.slice(1)) { try { const u = import.meta.resolve(s); if (u.startsWith('file:') && !existsSync(fileURLToPath(u))) bad.push(s + ' (no such file)'); } catch (e) { bad.push(s + ' (' + e.code + ')'); } }",
    "if (bad.length) { console.error(bad.join('\\n')); process.exit(1); }",
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...packages], { cwd: root, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the build imports modules plain Node cannot load (import the package's public entry instead):\n${child.stderr}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, ms } = await buildAll();
  process.stderr.write(`[build] ${files.join(', ')} in ${ms} ms\n`);
}
