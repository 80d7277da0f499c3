/**
 * Test pictures: a photo-like pattern (gradients plus pseudo-random grain) that JPEG cannot
 * compress much, generated in plain JS because sharp's own noise generator is slow.
 */
import sharp from 'sharp';

export async function testImage(width: number, height: number, format: 'jpeg' | 'png' | 'webp' | 'gif'): Promise<Buffer> {
  const px = Buffer.allocUnsafe(width * height * 3);
  let seed = 12345;
  for (let i = 0, p = 0; i < px.length; i += 3, p++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const grain = (seed >>> 24) & 63;
    const x = p % width;
    const y = (p - x) / width;
    px[i] = ((x >> 3) + grain) & 255;
    px[i + 1] = ((y >> 3) + grain) & 255;
    px[i + 2] = ((x + y) >> 4) & 255;
  }
  const img = sharp(px, { raw: { width, height, channels: 3 } });
  if (format === 'jpeg') return img.jpeg({ quality: 92 }).toBuffer();
  if (format === 'png') return img.png({ compressionLevel: 1 }).toBuffer();
  if (format === 'webp') return img.webp({ quality: 90 }).toBuffer();
  return img.gif().toBuffer();
}
