//! The bytes of attachments, content-addressed: a file is stored once under the hex SHA-256 of
//! its content (`ab/abcdef…`), in a folder of its own (by default `attachments` in the data
//! folder). The metadata (name, type, uploader) lives in the database, on both backends.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Result, ServerError};

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

impl BlobStore {
    pub fn open(dir: &Path) -> Result<BlobStore> {
        std::fs::create_dir_all(dir).map_err(|e| {
            ServerError::Storage(format!(
                "cannot create the attachments folder {}: {e}",
                dir.display()
            ))
        })?;
        Ok(BlobStore {
            dir: dir.to_owned(),
        })
    }

    /// Stores `bytes` (once: the same content is already there under its hash) and returns
    /// the hex SHA-256. The file appears whole or not at all: written aside, synced, renamed.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path(&sha)?;
        if path.exists() {
            return Ok(sha);
        }
        let failed = |e: std::io::Error| ServerError::Storage(format!("cannot store a file: {e}"));
        let folder = path.parent().expect("a blob path has a folder");
        std::fs::create_dir_all(folder).map_err(failed)?;
        let aside = folder.join(format!(
            ".{sha}.{:x}.part",
            crate::authority::random() as u64
        ));
        let mut file = std::fs::File::create(&aside).map_err(failed)?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(failed)?;
        std::fs::rename(&aside, &path).map_err(failed)?;
        Ok(sha)
    }

    /// Where the blob of `sha` lives; anything but 64 lower-case hex digits is refused, so no
    /// stored value can name a path outside the folder.
    pub fn path(&self, sha: &str) -> Result<PathBuf> {
        let valid = sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !valid {
            return Err(ServerError::Corrupt(format!(
                "an attachment names the blob {sha:?}, which is no SHA-256"
            )));
        }
        Ok(self.dir.join(&sha[..2]).join(sha))
    }
}
