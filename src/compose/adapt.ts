/**
 * Fits an image into a byte budget with sharp: images that already fit, in size and in
 * dimensions, stay untouched (JPEG, GIF and PNG, which every MMS client shows); others are decoded, turned upright by their EXIF
 * orientation, flattened on white and re-encoded as baseline JPEG, stepping down first the
 * quality and then the longest side until the result fits. HEIC/WebP/AVIF always become JPEG
 * (OMA-TS-MMS_CONF §7.1 content classes know JPEG, GIF, PNG and WBMP only).
 */
import type { OutputInfo, default as Sharp } from 'sharp';

// sharp (libvips) is loaded on first use: tens of MB a Pi Zero should only spend when a mail
// actually carries an image.
let sharpModule: Promise<typeof Sharp> | undefined;
function loadSharp(): Promise<typeof Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default);
  return sharpModule;
}

/** Longest side ladder in pixels; the first step is also the cap for converted images. */
const DIMENSIONS = [1600, 1280, 1024, 800, 640, 480, 320, 240, 160] as const;
const QUALITIES = [82, 68, 54, 40] as const;
/** Decoding refuses images with more pixels than this (a decompression bomb guard). */
const MAX_INPUT_PIXELS = 100_000_000;

const KEEPABLE = new Set(['image/jpeg', 'image/gif', 'image/png']);

export type FitResult =
  | { readonly ok: true; readonly body: Uint8Array; readonly contentType: string; readonly converted: boolean; readonly width?: number; readonly height?: number }
  | { readonly ok: false; readonly problem: 'undecodable' | 'too-large' };

export interface FitOptions {
  /** Longest side in pixels for sent images (default 1600); larger images are scaled down. */
  readonly maxDimension?: number;
  /** JPEG quality of the first attempt (default 82); lower steps follow when needed. */
  readonly quality?: number;
}

export async function fitImage(body: Uint8Array, contentType: string, maxBytes: number, opts: FitOptions = {}): Promise<FitResult> {
  const maxDim = opts.maxDimension ?? DIMENSIONS[0];
  const firstQuality = opts.quality ?? QUALITIES[0];
  const qualities = [firstQuality, ...QUALITIES.filter((q) => q < firstQuality)];
  const sharp = await loadSharp();

  let width: number;
  let height: number;
  try {
    const meta = await sharp(body, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).metadata();
    if (!meta.width || !meta.height) return { ok: false, problem: 'undecodable' };
    // EXIF orientations 5–8 swap the axes (CIPA DC-008 §4.6.4 A "Orientation").
    const swap = (meta.orientation ?? 1) >= 5;
    width = swap ? meta.height : meta.width;
    height = swap ? meta.width : meta.height;
  } catch {
    return { ok: false, problem: 'undecodable' };
  }
  if (KEEPABLE.has(contentType) && body.byteLength <= maxBytes && Math.max(width, height) <= maxDim) {
    return { ok: true, body, contentType, converted: false, width, height };
  }

  // Decode, orient and flatten once at the top of the ladder; every attempt starts from there.
  const top = Math.min(Math.max(width, height), maxDim);
  let base: { data: Buffer; info: OutputInfo };
  try {
    base = await sharp(body, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: top, height: top, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    return { ok: false, problem: 'undecodable' };
  }
  const raw = { width: base.info.width, height: base.info.height, channels: base.info.channels };
  const ladder = [top, ...DIMENSIONS.filter((d) => d < top)];
  for (let step = 0; step < ladder.length; step++) {
    const dim = ladder[step] as number;
    for (const quality of qualities) {
      const out = await sharp(base.data, { raw })
        .resize({ width: dim, height: dim, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality, progressive: false, chromaSubsampling: '4:2:0' })
        .toBuffer({ resolveWithObject: true });
      if (out.data.byteLength <= maxBytes) {
        return { ok: true, body: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength), contentType: 'image/jpeg', converted: true, width: out.info.width, height: out.info.height };
      }
      if (quality === firstQuality && out.data.byteLength > maxBytes * 2) {
        // Far too big even before lowering quality: size grows with the pixel count, so jump
        // straight to the largest step whose area ratio can fit (skipping futile encodes).
        const target = dim * Math.sqrt(maxBytes / out.data.byteLength);
        while (step + 1 < ladder.length && (ladder[step + 1] as number) > target) step++;
        break;
      }
    }
  }
  return { ok: false, problem: 'too-large' };
}
