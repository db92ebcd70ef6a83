// Builds Plotly's partial bundle into the file given as the first argument (build.sh passes it) with esbuild,
// the options of plotly.js's own build (its esbuild-config.js and tasks/util/bundle_wrapper.mjs), minified,
// with plotly.js's plugin that strips the attributes' descriptions, as its published minified bundles do.
import { build } from 'esbuild';
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
const stripMeta = require('plotly.js/tasks/compress_attributes.js');
const version = require('plotly.js/package.json').version;

await build({
    entryPoints: ['entry.js'],
    outfile: process.argv[2],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    target: 'es2016',
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    loader: { '.css': 'empty' }, // maplibre's stylesheet, needed by map traces only
    plugins: [stripMeta],
    legalComments: 'eof',
    banner: { js: `/* plotly.js ${version} (MIT License) for Opinia: only the scatter, bar and heatmap traces; built by scripts/plotly-bundle/build.sh */` },
    logLevel: 'warning',
});
