/**
 * Reads the annotated hex of hand-assembled PDUs (test/fixtures/inbound/*.hex, written by
 * make.py there): octets as hex pairs, "#" to the end of the line a comment, and the token
 * `{content-location}` standing for the URI the simulator assigns (put in as UTF-8 octets;
 * the fixture writes the Text-string's NUL after it). Anything else is refused with its line.
 */
export function parseHexFixture(text: string): (contentLocation?: string) => Uint8Array {
  const pieces: (Uint8Array | 'location')[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const body = line.replace(/#.*$/, '');
    for (const token of body.split(/\s+/).filter((s) => s !== '')) {
      if (token === '{content-location}') { pieces.push('location'); continue; }
      if (!/^(?:[0-9a-fA-F]{2})+$/.test(token)) throw new Error(`hex fixture line ${i + 1}: "${token}" is neither hex octets nor {content-location}`);
      pieces.push(Buffer.from(token, 'hex'));
    }
  });
  return (contentLocation) => {
    const hasLocation = pieces.includes('location');
    if (hasLocation && contentLocation === undefined) throw new Error('hex fixture needs a content location');
    return new Uint8Array(Buffer.concat(pieces.map((p) => (p === 'location' ? Buffer.from(contentLocation ?? '', 'utf8') : p))));
  };
}
