// Redress service worker. It precaches the built static assets (each URL carries a hash of its
// content) and one offline page, and serves that page when a navigation fails for lack of a
// connection. It never stores anything else: personal pages, case data, files and answers to
// forms always go to the network, and are never put in a cache.
'use strict'

const CACHE = 'redress-' + {{ version | tojson }}
const OFFLINE_URL = {{ offline_url | tojson }}
const ASSETS = {{ assets | tojson }}
const PRECACHED = new Set([...ASSETS, OFFLINE_URL])
// Stylesheets ask for their images by plain path (no ?v=): find the hashed URL for those.
const BY_PATH = new Map(ASSETS.map((url) => [url.split('?')[0], url]))

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE)
    await cache.addAll(ASSETS)
    // Fetched without cookies, so the stored page is the one anybody would get: it holds
    // nothing about whoever is signed in.
    const offline = await fetch(OFFLINE_URL, { credentials: 'omit' })
    if (!offline.ok) throw new Error(`${OFFLINE_URL} answered ${offline.status}`)
    await cache.put(OFFLINE_URL, offline)
    await self.skipWaiting()
  })())
})

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('redress-') && name !== CACHE) await caches.delete(name)
    }
    await self.clients.claim()
  })())
})

function fromCache (url) {
  return caches.open(CACHE).then((cache) => cache.match(url, { ignoreVary: true }))
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return // answers to forms: network only
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return

  if (request.mode === 'navigate') {
    if (url.pathname.startsWith('/staff')) return // the back office is not part of the app
    // Network only; the offline page stands in only when there is no connection at all.
    event.respondWith(
      fetch(request).catch(() => fromCache(OFFLINE_URL).then((page) => page || Response.error()))
    )
    return
  }

  const key = url.search ? url.pathname + url.search : BY_PATH.get(url.pathname)
  if (key && PRECACHED.has(key) && key !== OFFLINE_URL) {
    event.respondWith(fromCache(key).then((cached) => cached || fetch(request)))
  }
  // Anything else is not answered here, so the browser asks the network as usual.
})
