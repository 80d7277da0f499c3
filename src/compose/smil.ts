/**
 * SMIL presentation for an MMS, in the subset of OMA-TS-MMS_CONF §8 (MMS SMIL): one
 * <layout> with a root-layout and at most an "Image" and a "Text" region, then one <par> per
 * slide holding at most one image or video, one text and one audio, each referring to a part
 * by its Content-Location. Names are XML-escaped (W3C XML 1.0 §2.4, attribute values).
 */

export interface Slide {
  /** Content-Location of an image (`kind: 'image'`) or video (`kind: 'video'`). */
  readonly visual?: { readonly kind: 'image' | 'video'; readonly src: string };
  readonly audio?: string;
  readonly text?: string;
  /** Slide duration in milliseconds (default 5000). */
  readonly durationMs?: number;
}

/** Logical screen of the root layout; clients scale it (OMA-TS-MMS_CONF §8.1.1). */
const ROOT_WIDTH = 320;
const ROOT_HEIGHT = 480;
const DEFAULT_DURATION_MS = 5000;

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

export function buildSmil(slides: readonly Slide[]): string {
  const hasVisual = slides.some((s) => s.visual !== undefined);
  const hasText = slides.some((s) => s.text !== undefined);
  const regions: string[] = [];
  if (hasVisual && hasText) {
    regions.push('<region id="Image" left="0" top="0" width="100%" height="75%" fit="meet"/>');
    regions.push('<region id="Text" left="0" top="75%" width="100%" height="25%" fit="scroll"/>');
  } else if (hasVisual) {
    regions.push('<region id="Image" left="0" top="0" width="100%" height="100%" fit="meet"/>');
  } else if (hasText) {
    regions.push('<region id="Text" left="0" top="0" width="100%" height="100%" fit="scroll"/>');
  }
  const lines = [
    '<smil>',
    '<head>',
    '<layout>',
    `<root-layout width="${ROOT_WIDTH}" height="${ROOT_HEIGHT}"/>`,
    ...regions,
    '</layout>',
    '</head>',
    '<body>',
  ];
  for (const s of slides) {
    lines.push(`<par dur="${Math.max(1, Math.round(s.durationMs ?? DEFAULT_DURATION_MS))}ms">`);
    if (s.visual) lines.push(`<${s.visual.kind === 'image' ? 'img' : 'video'} src="${xmlEscape(s.visual.src)}" region="Image"/>`);
    if (s.text !== undefined) lines.push(`<text src="${xmlEscape(s.text)}" region="Text"/>`);
    if (s.audio !== undefined) lines.push(`<audio src="${xmlEscape(s.audio)}"/>`);
    lines.push('</par>');
  }
  lines.push('</body>', '</smil>');
  return lines.join('\n');
}
