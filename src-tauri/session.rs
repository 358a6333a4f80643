//! Who the app is signed in as. The server's address and the teammate's token live in
//! `DATA_DIR/session.json`, readable only by the user (0600) and never in the database, so a
//! copied or shared database carries no credentials.

use std::io::Write;
use std::path::{Path, PathBuf};

use inbox_core::TeammateId;
use serde::{Deserialize, Serialize};

const FILE: &str = "session.json";

/// A server the app syncs with, and as whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub server: String,
    pub token: String,
    /// Who signed in, when they did so in the app. Each teammate's copy of a server's
    /// workspace (and outbox) then has a folder of its own, so signing in as someone else on
    /// the same computer never sends one teammate's changes as another's.
    pub teammate: Option<TeammateId>,
    pub email: Option<String>,
}

impl Connection {
    /// The folder of this connection's database, under the app's data directory.
    pub fn folder(&self, data_dir: &Path) -> PathBuf {
        let server = data_dir.join("servers").join(folder_name(&self.server));
        match self.teammate {
            Some(teammate) => server.join(teammate.to_string()),
            None => server,
        }
    }
}

/// A server URL as a folder name: `http://127.0.0.1:8080/` → `127.0.0.1_8080`.
fn folder_name(url: &str) -> String {
    let host = url.split("://").last().unwrap_or(url).trim_end_matches('/');
    host.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The connection saved by the last sign-in, if any. A damaged file counts as signed out
/// (the teammate signs in again) rather than stopping the app.
pub fn load(data_dir: &Path) -> Option<Connection> {
    let text = match std::fs::read_to_string(data_dir.join(FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            eprintln!("teammate-inbox: cannot read the saved sign-in: {e}");
            return None;
        }
    };
    serde_json::from_str(&text)
        .inspect_err(|e| eprintln!("teammate-inbox: the saved sign-in is damaged: {e}"))
        .ok()
}

/// Saves `connection` for the next start: written whole to a private file, then renamed over
/// the old one, so a crash leaves either the old sign-in or the new one.
pub fn save(data_dir: &Path, connection: &Connection) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let temporary = data_dir.join(format!("{FILE}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    file.write_all(&serde_json::to_vec_pretty(connection).expect("a connection serialises"))?;
    file.sync_all()?;
    std::fs::rename(&temporary, data_dir.join(FILE))
}

/// Forgets the saved sign-in.
pub fn forget(data_dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(data_dir.join(FILE)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(teammate: Option<TeammateId>) -> Connection {
        Connection {
            server: "http://127.0.0.1:8080".into(),
            token: "tit_secret".into(),
            teammate,
            email: Some("alex@example.com".into()),
        }
    }

    #[test]
    fn a_saved_sign_in_is_private_and_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), None);
        let saved = connection(Some(TeammateId(ulid::Ulid::from_parts(1, 2))));
        save(dir.path(), &saved).unwrap();
        save(dir.path(), &saved).unwrap();
        assert_eq!(load(dir.path()), Some(saved));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE))
                .unwrap()
                .permissions();
            assert_eq!(mode.mode() & 0o777, 0o600);
        }
        forget(dir.path()).unwrap();
        forget(dir.path()).unwrap();
        assert_eq!(load(dir.path()), None);
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        assert_eq!(load(dir.path()), None);
    }

    #[test]
    fn each_server_and_teammate_has_a_folder() {
        let data = Path::new("/data");
        assert_eq!(
            connection(None).folder(data),
            Path::new("/data/servers/127.0.0.1_8080")
        );
        let teammate = TeammateId(ulid::Ulid::from_parts(1, 2));
        assert_eq!(
            connection(Some(teammate)).folder(data),
            data.join("servers/127.0.0.1_8080")
                .join(teammate.to_string())
        );
    }
}
