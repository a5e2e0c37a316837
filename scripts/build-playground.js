// Bundles the admin playground (GraphiQL, React) from node_modules into dist/playground with esbuild,
// at install time (postinstall) or on demand (`npm run build:playground`). No network is involved, and
// the stylesheet is checked to load nothing from elsewhere (GraphiQL's fonts are inlined as data: URLs).
const { readFileSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const outdir = path.join(root, 'dist', 'playground');

async function main() {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { graphiql: 'playground/graphiql-app.tsx' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    outdir,
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  const css = readFileSync(path.join(outdir, 'graphiql.css'), 'utf8');
  const external = [...css.matchAll(/url\(\s*['"]?(?!data:)([^'")]+)|@import\s+([^;]+)/g)].map((m) => m[1] ?? m[2]);
  if (external.length > 0)
    throw new Error(`the playground's stylesheet loads external resources: ${external.join(', ')}`);
}

main().catch((error) => {
  console.error(`building the admin playground failed: ${error.message}`);
  process.exit(1);
});
