/**
 * The live status the gate reads (`kubectl get ... -o json`) as text: UTF-8, with or without a byte
 * order mark. UTF-16 (what PowerShell's `>` writes) is refused with a message that says so.
 * @param what how messages name the input
 */
export function decodeLiveStatus(bytes: Buffer, what: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0))) {
    throw new Error(`${what} is UTF-16 text: pass UTF-8, such as \`kubectl get ... -o json > live.json\` from a POSIX shell, or \`Out-File -Encoding utf8\` in PowerShell`);
  }
  const text = bytes.toString('utf-8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
