//! Files attached in the app wait here, bytes and all, until the sync engine uploads them just
//! before the reply or note that names them: attaching works offline, the timeline shows the
//! file at once, and nothing is uploaded for a reply taken back in its undo window.

use inbox_core::attachment::validate_upload;
use inbox_core::{Attachment, AttachmentId, Author, Millis};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::codec::to_json;
use crate::{Result, Store, StoreError};

impl Store {
    /// Keeps a file to attach under `id`, checked as the server will check it; the record
    /// returned is what a reply or note names and the timeline shows.
    pub fn keep_file(
        &mut self,
        id: AttachmentId,
        name: &str,
        content_type: &str,
        bytes: &[u8],
        uploader: Author,
        now: Millis,
    ) -> Result<Attachment> {
        let valid = validate_upload(name, content_type, bytes.len())?;
        let attachment = Attachment {
            id,
            sha256: hex::encode(Sha256::digest(bytes)),
            name: valid.name,
            content_type: valid.content_type,
            size: bytes.len() as u64,
            uploader,
            created_at: now,
        };
        self.conn
            .prepare_cached(
                "INSERT INTO unsent_files (id, doc, bytes, created_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id.to_string(), to_json(&attachment), bytes, now])?;
        Ok(attachment)
    }

    /// A file attached here that the server does not have yet, with its bytes.
    pub fn unsent_file(&self, id: AttachmentId) -> Result<Option<(Attachment, Vec<u8>)>> {
        let row = self
            .conn
            .prepare_cached("SELECT doc, bytes FROM unsent_files WHERE id = ?1")?
            .query_row([id.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .optional()?;
        row.map(|(doc, bytes)| {
            let attachment = serde_json::from_str(&doc)
                .map_err(|e| StoreError::Corrupt(format!("an unsent file: {e}")))?;
            Ok((attachment, bytes))
        })
        .transpose()
    }

    /// The server has the file: this copy is no longer needed.
    pub fn file_sent(&mut self, id: AttachmentId) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM unsent_files WHERE id = ?1")?
            .execute([id.to_string()])?;
        Ok(())
    }

    /// Forgets the files kept since before `before` that no queued change and no sync issue
    /// names: attached to a draft that was then thrown away. Returns how many.
    pub fn forget_unsent_files(&mut self, before: Millis) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM unsent_files
              WHERE created_at < ?1
                AND NOT EXISTS (SELECT 1 FROM outbox WHERE instr(outbox.mutation, unsent_files.id))
                AND NOT EXISTS (SELECT 1 FROM sync_issues
                                 WHERE instr(sync_issues.mutation, unsent_files.id))",
            [before],
        )?)
    }
}
