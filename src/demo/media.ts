/**
 * Sample media the demo sends without generating it: a real 160×120 baseline JPEG (a sunset,
 * 1.1 kB; ITU-T T.81 JFIF), committed here because it is tiny, so the driver and `demo send`
 * need no image library in the gateway's process.
 */
export const SAMPLE_JPEG: Buffer = Buffer.from(
  '/9j/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBD' +
  'AQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAB4AKAD' +
  'ASIAAhEBAxEB/8QAGgABAQEAAwEAAAAAAAAAAAAAAAMGAgUHBP/EACwQAAICAgEBBwMEAwAAAAAAAAASARECAwQFBhMhMUFRYTKB' +
  '0XGRofAjwcL/xAAZAQEBAAMBAAAAAAAAAAAAAAAAAwECBAX/xAAeEQEBAQACAgMBAAAAAAAAAAAAEhEBAgQTAyExFP/aAAwDAQAC' +
  'EQMRAD8AzNCilCj1qQlOhRShQolOhRShQolOhRShQolOhRShQolOhRShQolOhRShQolOhRShQolOhRShQolOhRShQolRQpRQpClp' +
  'TUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJUUKUUKQpWU1ClFCiiU1ClFCiiU1C' +
  'lFCiiU1ClFCiiU1L8Th7+bujTxtU7M6uo8Kj5mfIatWe7bhq1xeeeUY4xfnMnoPTeFr6fwsOPrll8csqqcp9Z/vpRz/P5Hq4+v1t' +
  '16a6Di9kPpy5fK92w1Y/tWU/g5cnshrm54vKyxrHwx2Y3c/rFVH2NODz/wCv5t3VI6vN+f03k9P2xr5OtWtcom4yiPaf7J8qnpvK' +
  '4+vlcbZx9sXhsxWfj5j5PPudxM+HzNvGzm515VfvHpP3ijv8fyfZxnP6n26Y+NQpRQp001lNQpRQoolRQpVQpClZSUKVUKKJSUKV' +
  'UKKJSUKVUKKJSUKVUKKJdl2Y0d51jHNq7rDLOq8/T/ZszEdF348XqmnZnlOOEzOOVTUVMV4/F1P2Nuef5W3rbjjAAHKyGW7Xaa5X' +
  'H3t9eE4VXlU3/wBfwakyPaXkY7+pd3hlM46cVmL8G85r+I+x0eNvs1jl0ahSqhT0qaykoUqoUUSooUooUhS0pqFKKFFEpqFKKFFE' +
  'pqFKKFFEpqFKKFFEpqabpHWdeerDj8zZOO3GJ/yZzFZR6XPv+PkzqhTTv1478ZyS3oMVo5nK469zyNmMY+WN3j+3kct/P5vIvveT' +
  'smJhZiJWJj9IOf0c7+sS7/qnWNPFwz1acn3zExC1MYT5eP4+DJ5NnlOWUzllM3MzNzMnNQpf4+vHTj6ZlNQpRQpSiU1ClFCiiVFC' +
  'lFCkKVlNQpRQoolNQpRQoolNQpRQoolNQpRQoolNQpRQoolNQpRQoolNQpRQoolNQpRQoolNQpRQoolRQpRQpClpTUKUUKKJTUKU' +
  'UKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJTUKUUKKJUUKAR1TBQoA0wUKANMFCgDTBQoA0wUKANMFCgDTB' +
  'QoA0wUKANMFCgDTH/9k=',
  'base64',
);

/**
 * A short audio clip for sample MMS: a tone as a RIFF/WAVE file, linear PCM, 8 kHz, 8-bit
 * unsigned, mono (the "fmt " chunk with format tag 1 and a "data" chunk, as RFC 2361 registers
 * audio/wav), with a fade at both ends so it does not click. Made on demand: a second of it is 8 kB.
 */
export function toneWav(hz = 440, ms = 600): Buffer {
  const rate = 8000;
  const n = Math.round((rate * ms) / 1000);
  const data = Buffer.alloc(n);
  const fade = Math.min(400, Math.floor(n / 4));
  for (let i = 0; i < n; i++) {
    const envelope = Math.min(1, i / fade, (n - 1 - i) / fade);
    data[i] = Math.round(128 + 90 * envelope * Math.sin((2 * Math.PI * hz * i) / rate));
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + n, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate, 28); // bytes per second
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(n, 40);
  return Buffer.concat([header, data]);
}
