import { describe, expect, it } from 'vitest';
import { base64Of, pastedFiles, sizeLabel } from './attachments';

describe('sizeLabel', () => {
  it('reads like a file manager, as the emails say it', () => {
    expect(sizeLabel(812)).toBe('812 bytes');
    expect(sizeLabel(14 * 1024)).toBe('14 KB');
    expect(sizeLabel(3 * 1024 * 1024 + 300 * 1024)).toBe('3.3 MB');
  });
});

describe('pastedFiles', () => {
  const item = (kind: string, type: string, file: File | null) => ({ kind, type, getAsFile: () => file });

  it('takes files only, naming a screenshot the clipboard left unnamed', () => {
    const shot = new File([new Uint8Array([1, 2])], 'image.png', { type: 'image/png' });
    const named = new File([new Uint8Array([3])], 'report.pdf', { type: 'application/pdf' });
    const files = pastedFiles([item('string', 'text/plain', null), item('file', 'image/png', shot), item('file', 'application/pdf', named)], Date.UTC(2026, 11, 7, 20, 5));
    expect(files.map((f) => f.name)).toEqual(['pasted-2026-12-07T20-05-00-000Z.png', 'report.pdf']);
    expect(files[0].type).toBe('image/png');
    expect(files[0].size).toBe(2);
  });
});

describe('base64Of', () => {
  it('encodes the bytes of a file', async () => {
    const file = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])]);
    expect(await base64Of(file)).toBe('iVBORw==');
  });
});
