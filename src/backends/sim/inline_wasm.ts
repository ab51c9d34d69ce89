/**
 * Decodes the base64 wasm bytes that scripts/build-asm.mjs inlines into generated modules. Inlining (rather than
 * reading .wasm files) makes the simulator load identically in Node, vitest and browsers.
 */
export function decodeBase64(b64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') {
    const buf = Buffer.from(b64, 'base64');
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
