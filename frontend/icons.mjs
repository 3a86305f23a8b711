// Raster versions of the council mark (favicon.ico, icon-180.png), drawn in
// plain JavaScript so the build needs no image tools and no downloads.
// The geometry matches images/logo.svg and images/favicon.svg (32×32 units).
import { deflateSync } from 'node:zlib'

const BRAND = [0x0b, 0x3d, 0x66]
const WHITE = [0xff, 0xff, 0xff]

function cubic (p0, p1, p2, p3, steps = 24) {
  const points = []
  for (let i = 1; i <= steps; i++) {
    const t = i / steps
    const u = 1 - t
    points.push([
      u * u * u * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t * t * t * p3[0],
      u * u * u * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t * t * t * p3[1]
    ])
  }
  return points
}

// Shield: M16 1 29 5V15C29 23 23.5 28.5 16 31 8.5 28.5 3 23 3 15V5Z
const SHIELD = [
  [16, 1], [29, 5], [29, 15],
  ...cubic([29, 15], [29, 23], [23.5, 28.5], [16, 31]),
  ...cubic([16, 31], [8.5, 28.5], [3, 23], [3, 15]),
  [3, 5]
]

function inPolygon (x, y, polygon) {
  let inside = false
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]
    const [xj, yj] = polygon[j]
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
      inside = !inside
    }
  }
  return inside
}

function inRoundedRect (x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false
  const cx = Math.min(Math.max(x, x0 + r), x1 - r)
  const cy = Math.min(Math.max(y, y0 + r), y1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

// Speech bubble (cut out of the shield): rounded rect 9,9–23,18 r2, tail to 11,22
const TAIL = [[11, 17], [15.5, 17], [15.5, 18], [11, 22]]

function inMark (x, y) {
  if (!inPolygon(x, y, SHIELD)) return false
  return !(inRoundedRect(x, y, 9, 9, 23, 18, 2) || inPolygon(x, y, TAIL))
}

/**
 * Draw the mark, white on the brand colour, as RGBA pixels.
 * @param {number} size - width and height in pixels
 * @param {object} options - `radius` of the background corners and `scale`
 *   of the mark, both as fractions of the size
 */
export function drawIcon (size, { radius = 0, scale = 0.8 } = {}) {
  const rgba = Buffer.alloc(size * size * 4)
  const samples = 4
  const unit = 32 / size
  const offset = (32 - 32 * scale) / 2
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let background = 0
      let mark = 0
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * unit
          const y = (py + (sy + 0.5) / samples) * unit
          if (!inRoundedRect(x, y, 0, 0, 32, 32, radius * 32)) continue
          background++
          if (inMark((x - offset) / scale, (y - offset) / scale)) mark++
        }
      }
      const i = (py * size + px) * 4
      const total = samples * samples
      const w = background ? mark / background : 0
      for (let c = 0; c < 3; c++) {
        rgba[i + c] = Math.round(BRAND[c] * (1 - w) + WHITE[c] * w)
      }
      rgba[i + 3] = Math.round((255 * background) / total)
    }
  }
  return rgba
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32 (buffer) {
  let c = 0xffffffff
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk (type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** Encode RGBA pixels as a PNG (8-bit RGBA, no filtering). */
export function encodePng (rgba, size) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // colour type: RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0 // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

/** Encode RGBA pixels as a single-image ICO with a 32-bit BMP inside. */
export function encodeIco (rgba, size) {
  const dir = Buffer.alloc(6 + 16)
  dir.writeUInt16LE(0, 0) // reserved
  dir.writeUInt16LE(1, 2) // type: icon
  dir.writeUInt16LE(1, 4) // one image
  const maskRowBytes = Math.ceil(size / 32) * 4
  const bitmap = Buffer.alloc(40 + size * size * 4 + maskRowBytes * size)
  bitmap.writeUInt32LE(40, 0) // BITMAPINFOHEADER
  bitmap.writeInt32LE(size, 4)
  bitmap.writeInt32LE(size * 2, 8) // XOR bitmap + AND mask
  bitmap.writeUInt16LE(1, 12) // planes
  bitmap.writeUInt16LE(32, 14) // bits per pixel
  bitmap.writeUInt32LE(size * size * 4 + maskRowBytes * size, 20)
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y // bottom-up
    for (let x = 0; x < size; x++) {
      const src = (y * size + x) * 4
      const dst = 40 + (row * size + x) * 4
      bitmap[dst] = rgba[src + 2] // B
      bitmap[dst + 1] = rgba[src + 1] // G
      bitmap[dst + 2] = rgba[src] // R
      bitmap[dst + 3] = rgba[src + 3] // A
    }
  }
  // AND mask left all zero: the alpha channel decides transparency.
  dir[6] = size === 256 ? 0 : size // width
  dir[7] = size === 256 ? 0 : size // height
  dir[8] = 0 // colours in palette
  dir[9] = 0 // reserved
  dir.writeUInt16LE(1, 10) // planes
  dir.writeUInt16LE(32, 12) // bits per pixel
  dir.writeUInt32LE(bitmap.length, 14)
  dir.writeUInt32LE(dir.length, 18) // offset of the image
  return Buffer.concat([dir, bitmap])
}
