import { writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";

// Draws the app's icons (public/icons/*.png): the header's brand mark, a soft teal disc in a teal ring,
// on the page background. Run once with `npx tsx scripts/make-icons.ts`; the PNGs are committed.
// "maskable" icons keep the mark inside the central 80% that a launcher may crop to a circle.

const BG = [0xfb, 0xfa, 0xf7];
const BRAND = [0x2f, 0x5d, 0x62];
const SOFT = [0xe6, 0xef, 0xee];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** `scale`: the mark's outer radius as a share of half the icon. */
function icon(size: number, scale: number): Buffer {
  const rows: Buffer[] = [];
  const centre = size / 2;
  const outer = centre * scale;
  const ring = outer * 0.3;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x + 0.5 - centre, y + 0.5 - centre);
      const colour = d > outer ? BG : d > outer - ring ? BRAND : SOFT;
      row.set(colour, 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const out = path.resolve(import.meta.dirname, "../public/icons");
for (const size of [192, 512]) {
  writeFileSync(path.join(out, `icon-${size}.png`), icon(size, 0.8));
  writeFileSync(path.join(out, `maskable-${size}.png`), icon(size, 0.6));
}
