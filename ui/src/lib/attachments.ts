// Files in the composer and the timeline: how a size reads, which pasted items are files, and
// a file's bytes as base64 for the upload command.

/** A file's size as people read it: "812 bytes", "14 KB", "3.2 MB" (as emails say it). */
export function sizeLabel(size: number | null): string {
  if (size === null) return '';
  const KB = 1024;
  const MB = 1024 * 1024;
  if (size < KB) return `${size} bytes`;
  if (size < MB) return `${Math.ceil(size / KB)} KB`;
  return `${(size / MB).toFixed(1)} MB`;
}

/** The files among pasted items (a screenshot pasted from the clipboard), with a name when the
 *  clipboard gives none. */
export function pastedFiles(items: { kind: string; type: string; getAsFile(): File | null }[], now: number): File[] {
  const files: File[] = [];
  for (const item of items) {
    if (item.kind !== 'file') continue;
    const file = item.getAsFile();
    if (!file) continue;
    if (file.name && file.name !== 'image.png') {
      files.push(file);
    } else {
      const ext = item.type.split('/')[1] ?? 'png';
      files.push(new File([file], `pasted-${new Date(now).toISOString().replace(/[:.]/g, '-')}.${ext}`, { type: item.type }));
    }
  }
  return files;
}

/** A file's bytes in base64, in chunks (a large file would overflow one spread call). */
export async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
