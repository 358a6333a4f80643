//! Generated screenshots for demo customers who write "here is the screenshot": a small PNG of
//! an app window with an error dialog, drawn in code (no image files in the repository) and
//! encoded by hand (stored deflate blocks: larger than a real encoder's output, but a few KB
//! at this size and no dependency).

/// A `width`×`height` RGB PNG of a window with a title bar, some text lines and a red error
/// dialog; `seed` moves the dialog and tints the window, so each customer's differs.
pub fn screenshot_png(width: u32, height: u32, seed: u64) -> Vec<u8> {
    let (w, h) = (width.max(16) as usize, height.max(16) as usize);
    let tint = (seed % 40) as u8;
    let mut rows = Vec::with_capacity(h * (1 + 3 * w));
    let dialog_x = w / 4 + (seed as usize % (w / 4));
    let dialog_y = h / 3;
    for y in 0..h {
        rows.push(0); // filter: none
        for x in 0..w {
            let px: [u8; 3] = if y < h / 10 {
                [40 + tint, 44, 52] // title bar
            } else if (w / 6..w - w / 6).contains(&x)
                && (h / 5..(h - h / 8)).contains(&y)
                && (y / 6) % 3 == 0
                && x % 97 < 80
            {
                [200, 204, 212] // text lines
            } else if (dialog_x..dialog_x + w / 3).contains(&x)
                && (dialog_y..dialog_y + h / 4).contains(&y)
            {
                if y < dialog_y + h / 20 {
                    [196, 43, 28] // the dialog's red header
                } else {
                    [252, 236, 234]
                }
            } else {
                [248, 248, 250 - tint]
            };
            rows.extend_from_slice(&px);
        }
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&(w as u32).to_be_bytes());
    header.extend_from_slice(&(h as u32).to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, no filter, no interlace
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib_stored(&rows));
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    if blocks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + byte as u32) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screenshot_is_a_well_formed_png() {
        let png = screenshot_png(320, 200, 7);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 320);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 200);
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
        assert_ne!(png, screenshot_png(320, 200, 8), "each seed draws its own");
    }

    #[test]
    fn crc_and_adler_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        let z = zlib_stored(b"Wikipedia");
        assert_eq!(&z[z.len() - 4..], &0x11e6_0398u32.to_be_bytes());
    }
}
