// Build the front-end assets into shared/static/dist/ (cleaned first).
// Run with `npm run build` after `npm ci`. No bundler: Sass, copies, and a
// few generated icons.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync, mkdirSync, rmSync, copyFileSync, existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import postcss from 'postcss'
import postcssRTLCSS from 'postcss-rtlcss'
import * as sass from 'sass'
import { drawIcon, encodeIco, encodePng } from './icons.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'frontend')
const dist = join(root, 'shared', 'static', 'dist')
const modules = join(root, 'node_modules')

// Where images that compiled CSS asks for may come from (first match wins).
const imageSources = [
  join(src, 'images'),
  join(modules, '@ministryofjustice', 'frontend', 'moj', 'assets', 'images')
]

let warnings = 0

function log (message) {
  process.stdout.write(`${message}\n`)
}

function write (file, contents) {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, contents)
}

function copy (from, to) {
  mkdirSync(dirname(to), { recursive: true })
  copyFileSync(from, to)
}

// Strip a trailing `//# sourceMappingURL=…` so browsers don't ask for a map
// that we don't ship.
function withoutSourceMap (code) {
  return code.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n')
}

function compileCss (name) {
  const result = sass.compile(join(src, 'scss', `${name}.scss`), {
    style: 'compressed',
    sourceMap: false,
    charset: true,
    importers: [new sass.NodePackageImporter(root)],
    // MoJ Frontend loads "node_modules/govuk-frontend/dist/govuk/base"
    loadPaths: [root],
    // Deprecation warnings from GOV.UK / MoJ Frontend themselves
    quietDeps: true,
    logger: {
      warn (message, { deprecation, span }) {
        warnings++
        const where = span?.url ? ` (${relative(root, fileURLToPath(span.url))}:${span.start.line + 1})` : ''
        process.stderr.write(`Sass ${deprecation ? 'deprecation ' : ''}warning${where}: ${message}\n`)
      }
    }
  })
  // Right-to-left pages (Urdu, Arabic…): GOV.UK and MoJ Frontend are written left to right with
  // physical properties (margin-left, float: right…). postcss-rtlcss adds a [dir="rtl"] override
  // after each such rule, flipped; pages set dir on <html>. Rules already prefixed with [dir] are
  // left alone.
  const css = postcss([postcssRTLCSS({ mode: 'override' })]).process(result.css, { from: undefined }).css
  const file = join(dist, `${name}.css`)
  write(file, `${css}\n`)
  return css
}

// Every url() in the CSS must point at a file in dist/: copy it there from
// our own or MoJ Frontend's images, or fail.
function copyCssImages (css, cssName) {
  for (const [, quoted, bare] of css.matchAll(/url\(\s*(?:"([^"]*)"|'[^']*'|([^)'"]*))\s*\)/g)) {
    const url = (quoted ?? bare ?? '').trim()
    if (!url || url.startsWith('data:') || url.startsWith('#')) continue
    if (/^[a-z]+:|^\//i.test(url)) {
      throw new Error(`${cssName}.css: url(${url}) is not relative to dist/`)
    }
    const target = join(dist, url)
    if (existsSync(target)) continue
    const name = relative(join(dist, 'images'), target)
    const from = imageSources.map((dir) => join(dir, name)).find((file) => existsSync(file))
    if (!from) throw new Error(`${cssName}.css: url(${url}) has no source image`)
    copy(from, target)
  }
}

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })

// Images. The web app manifest is served by the app (/manifest.webmanifest), which knows the
// council's name and colour; these are its icons. A "maskable" icon keeps the mark inside the
// central 80% safe zone, since launchers may crop it to a circle.
for (const file of ['logo.svg', 'favicon.svg']) {
  copy(join(src, 'images', file), join(dist, 'images', file))
}
write(join(dist, 'images', 'favicon.ico'), encodeIco(drawIcon(32, { radius: 6 / 32, scale: 0.8 }), 32))
write(join(dist, 'images', 'icon-180.png'), encodePng(drawIcon(180, { radius: 0, scale: 0.7 }), 180))
write(join(dist, 'images', 'icon-192.png'), encodePng(drawIcon(192, { radius: 0, scale: 0.7 }), 192))
write(join(dist, 'images', 'icon-512.png'), encodePng(drawIcon(512, { radius: 0, scale: 0.7 }), 512))
write(join(dist, 'images', 'icon-maskable-512.png'), encodePng(drawIcon(512, { radius: 0, scale: 0.56 }), 512))

// CSS
for (const name of ['portal', 'staff']) {
  copyCssImages(compileCss(name), name)
}

// JavaScript
const vendorJs = [
  [join(modules, 'govuk-frontend', 'dist', 'govuk', 'govuk-frontend.min.js'), 'govuk-frontend.min.js'],
  [join(modules, 'htmx.org', 'dist', 'htmx.min.js'), 'htmx.min.js']
]
for (const [from, name] of vendorJs) {
  write(join(dist, name), withoutSourceMap(readFileSync(from, 'utf8')))
}
// app.mjs is sent with timeout.mjs written into it (its one importer), and imports GOV.UK
// Frontend by its hashed URL: a first visit asks for one script fewer (issue 11: at most 7
// requests), and every script is then kept by the browser for a year (portal/views/pwa.py).
// Not a bundler: timeout.mjs is one exported function and a constant, and the build fails if
// either file no longer looks as this expects.
function contentHash (contents) {
  return createHash('sha256').update(contents).digest('hex').slice(0, 12)
}

const timeoutImport = "import { startTimeoutWarning } from './timeout.mjs'\n"
const govukImport = "} from './govuk-frontend.min.js'\n"
const appSource = readFileSync(join(src, 'js', 'app.mjs'), 'utf8')
const timeoutSource = readFileSync(join(src, 'js', 'timeout.mjs'), 'utf8')
if (!appSource.includes(timeoutImport) || !appSource.includes(govukImport) ||
    (timeoutSource.match(/^export /gm) || []).length !== 1 || /^import /m.test(timeoutSource)) {
  throw new Error('frontend/build.mjs: app.mjs or timeout.mjs changed shape; update how they are joined')
}
const govukHash = contentHash(readFileSync(join(dist, 'govuk-frontend.min.js')))
write(join(dist, 'app.mjs'), appSource
  .replace(govukImport, `} from './govuk-frontend.min.js?v=${govukHash}'\n`)
  .replace(timeoutImport, `// frontend/js/timeout.mjs, written in here by frontend/build.mjs\n${timeoutSource.replace(/^export /m, '')}\n`))

function listFiles (dir) {
  return readdirSync(dir).sort().flatMap((entry) => {
    const file = join(dir, entry)
    return statSync(file).isDirectory() ? listFiles(file) : [file]
  })
}

// The precache list: every built file with a hash of its content. The app adds the hash to
// each asset's URL (?v=…), and the service worker precaches exactly those URLs, so a changed
// file is a new URL and a new service worker; "version" changes whenever any file does.
const PRECACHE = 'precache.json'
const files = {}
for (const file of listFiles(dist)) {
  const name = relative(dist, file).split('\\').join('/')
  files[name] = contentHash(readFileSync(file))
}
const version = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 12)
write(join(dist, PRECACHE), `${JSON.stringify({ version, files }, null, 2)}\n`)

// Summary
for (const file of listFiles(dist)) {
  log(`${String(statSync(file).size).padStart(8)}  ${relative(root, file)}`)
}

if (warnings) {
  process.stderr.write(`${warnings} Sass warning(s)\n`)
}
