/*
 * How the message browser shows bytes: as text (UTF-8; invalid sequences shown as such), as
 * JSON (pretty-printed when the bytes parse, else the text), or as hex (16 bytes a line).
 * Pure functions of the base64 the API sends; tested under Node.
 */
export const DecodeModes = ['text', 'json', 'hex'] as const;
export type DecodeMode = (typeof DecodeModes)[number];

function bytesOf(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = [...bytes.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0'));
    lines.push(`${i.toString(16).padStart(6, '0')}  ${row.join(' ')}`);
  }
  return lines.join('\n');
}

/** The shown form of `b64` in `mode`; `truncated` adds a note that the value was cut. */
export function decodeBytes(b64: string, mode: DecodeMode, truncated = false): string {
  const bytes = bytesOf(b64);
  const note = truncated ? '\n… (cut: the console shows the first 64 KiB)' : '';
  if (mode === 'hex') return toHex(bytes) + note;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (mode === 'json') {
    try {
      return JSON.stringify(JSON.parse(text), null, 2) + note;
    } catch {
      return text + note;
    }
  }
  return text + note;
}

/** The mode a value most likely wants: json when it parses as an object or array, text when it is valid UTF-8, else hex. */
export function guessMode(b64: string): DecodeMode {
  const bytes = bytesOf(b64);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'hex';
  }
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      JSON.parse(text);
      return 'json';
    } catch {
      return 'text';
    }
  }
  // Control characters other than whitespace mean binary (a serialized number, say).
  return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? 'hex' : 'text';
}
