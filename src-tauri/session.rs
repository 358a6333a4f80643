//! Who the app is signed in as. The server's address and the teammate's token live in
//! `DATA_DIR/session.json`, readable only by the user (0600) and never in the database, so a
//! copied or shared database carries no credentials.

use std::io::Write;
use std::path::{Path, PathBuf};

use inbox_core::TeammateId;
use serde::{Deserialize, Serialize};

const FILE: &str = "session.json";
const LAST_SERVER_FILE: &str = "last-server";

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

/// A server URL as a folder name: `https://inbox.example.com:8443/` → `inbox.example.com_8443`,
/// `http://127.0.0.1:8080` → `127.0.0.1_8080+http`.
///
/// The scheme is part of the name: a plain-http server at an address is not the https one
/// (anyone on the way can answer in its place), so it must not read or send the other's
/// workspace and outbox. Folders used to be named after host and port alone, for both schemes;
/// https, what a team's server speaks, keeps that name so its copies (and changes still
/// queued in them) are found again; plain http, which the app assumes only for this machine,
/// gets the suffix. `+` never comes out of the host's mapping, so no host can take the name
/// of another's folder.
fn folder_name(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host: String = rest
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if scheme.eq_ignore_ascii_case("https") {
        host
    } else {
        format!("{host}+{}", scheme.to_ascii_lowercase())
    }
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
    // The mode below applies only to a file this call creates: one left by a crash (or put
    // there by someone else, as a symlink even) would keep its own. So the token always goes
    // into a new file, which `create_new` also refuses to open through a symlink.
    match std::fs::remove_file(&temporary) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    file.write_all(&serde_json::to_vec_pretty(connection).expect("a connection serialises"))?;
    file.sync_all()?;
    std::fs::rename(&temporary, data_dir.join(FILE))?;
    remember_server(data_dir, &connection.server)
}

/// The server signed in to last on this computer: offered again on the sign-in form, also
/// after signing out (which forgets the token, not where it was from).
pub fn last_server(data_dir: &Path) -> Option<String> {
    let server = std::fs::read_to_string(data_dir.join(LAST_SERVER_FILE)).ok()?;
    let server = server.trim();
    (!server.is_empty()).then(|| server.to_owned())
}

fn remember_server(data_dir: &Path, server: &str) -> std::io::Result<()> {
    let temporary = data_dir.join(format!("{LAST_SERVER_FILE}.tmp"));
    std::fs::write(&temporary, server)?;
    std::fs::rename(temporary, data_dir.join(LAST_SERVER_FILE))
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
        assert_eq!(
            last_server(dir.path()).as_deref(),
            Some("http://127.0.0.1:8080")
        );
        forget(dir.path()).unwrap();
        forget(dir.path()).unwrap();
        assert_eq!(load(dir.path()), None);
        // Signed out, the form still offers the server.
        assert_eq!(
            last_server(dir.path()).as_deref(),
            Some("http://127.0.0.1:8080")
        );
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        assert_eq!(load(dir.path()), None);
    }

    #[test]
    fn each_server_and_teammate_has_a_folder() {
        let data = Path::new("/data");
        assert_eq!(
            connection(None).folder(data),
            Path::new("/data/servers/127.0.0.1_8080+http")
        );
        let teammate = TeammateId(ulid::Ulid::from_parts(1, 2));
        assert_eq!(
            connection(Some(teammate)).folder(data),
            data.join("servers/127.0.0.1_8080+http")
                .join(teammate.to_string())
        );
    }

    #[test]
    fn http_and_https_at_one_address_have_folders_of_their_own() {
        let data = Path::new("/data");
        let at = |server: &str| {
            Connection {
                server: server.into(),
                ..connection(None)
            }
            .folder(data)
        };
        assert_eq!(
            at("https://inbox.example.com:8443/"),
            Path::new("/data/servers/inbox.example.com_8443"),
            "where https copies have always been"
        );
        assert_eq!(
            at("HTTPS://inbox.example.com:8443"),
            at("https://inbox.example.com:8443")
        );
        assert_eq!(
            at("http://inbox.example.com:8443"),
            Path::new("/data/servers/inbox.example.com_8443+http")
        );
        assert_eq!(
            at("HTTP://inbox.example.com:8443"),
            at("http://inbox.example.com:8443")
        );
        // No host, however odd, is named like another address's folder.
        assert_ne!(at("https://a+http"), at("http://a"));
        assert_ne!(at("https://a_http"), at("http://a"));
    }

    #[cfg(unix)]
    #[test]
    fn the_saved_sign_in_is_private_whatever_temporary_file_was_left_behind() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let temporary = dir.path().join(format!("{FILE}.tmp"));
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let saved = connection(None);

        // Left by a crash, readable by everyone.
        std::fs::write(&temporary, "left over").unwrap();
        std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o644)).unwrap();
        save(dir.path(), &saved).unwrap();
        assert_eq!(mode(&dir.path().join(FILE)), 0o600);
        assert_eq!(load(dir.path()), Some(saved.clone()));
        assert!(!temporary.exists());

        // A symlink to a file someone else can read: the token goes nowhere near it.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "theirs").unwrap();
        std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &temporary).unwrap();
        save(dir.path(), &saved).unwrap();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "theirs");
        assert_eq!(mode(&elsewhere), 0o644);
        assert_eq!(mode(&dir.path().join(FILE)), 0o600);
        assert!(!std::fs::symlink_metadata(dir.path().join(FILE))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(load(dir.path()), Some(saved));
    }
}
