//! How the app was asked to start: command-line flags, with environment variables as fallback.

use std::path::PathBuf;

use inbox_demo::DemoOptions;

use crate::session::Connection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchOptions {
    /// Where the database lives; the platform's app data directory when absent.
    pub data_dir: Option<PathBuf>,
    /// Seed the demo workspace into an empty database, with this many tickets.
    pub demo_tickets: Option<usize>,
    /// Sync with this server, with a teammate's API token (`inbox-server token --email …`),
    /// instead of the saved sign-in. The workspace is then the server's, in its own database.
    pub server: Option<Connection>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    #[error("{0} needs a value")]
    MissingValue(&'static str),
    #[error("--demo-tickets expects a number of tickets, got \"{0}\"")]
    BadTicketCount(String),
    #[error("--server needs --token TOKEN (or INBOX_TOKEN): a teammate's API token from `inbox-server token --email …`")]
    ServerWithoutToken,
}

impl LaunchOptions {
    /// `--data-dir DIR` (or `INBOX_DATA_DIR`), `--demo` (or `INBOX_DEMO=1`), and
    /// `--demo-tickets N` (or `INBOX_DEMO_TICKETS`), which implies `--demo`. Unknown arguments
    /// are left alone: the platform may pass its own.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<LaunchOptions, OptionsError> {
        let mut data_dir = env("INBOX_DATA_DIR")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from);
        let mut demo = env("INBOX_DEMO").is_some_and(|v| v == "1" || v == "true");
        let mut tickets = env("INBOX_DEMO_TICKETS");
        let mut server = env("INBOX_SERVER").filter(|s| !s.is_empty());
        let mut token = env("INBOX_TOKEN").filter(|s| !s.is_empty());
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
                None => (arg, None),
            };
            let mut value = |name| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or(OptionsError::MissingValue(name))
            };
            match flag.as_str() {
                "--data-dir" => data_dir = Some(PathBuf::from(value("--data-dir")?)),
                "--demo" => demo = true,
                "--demo-tickets" => tickets = Some(value("--demo-tickets")?),
                "--server" => server = Some(value("--server")?),
                "--token" => token = Some(value("--token")?),
                _ => {}
            }
        }
        let demo_tickets = match tickets {
            Some(n) => Some(
                n.trim()
                    .parse()
                    .map_err(|_| OptionsError::BadTicketCount(n))?,
            ),
            None => demo.then_some(DemoOptions::DEFAULT_TICKETS),
        };
        let server = match (server, token) {
            (Some(server), Some(token)) => Some(Connection {
                server,
                token,
                teammate: None,
                email: None,
            }),
            (Some(_), None) => return Err(OptionsError::ServerWithoutToken),
            (None, _) => None,
        };
        Ok(LaunchOptions {
            data_dir,
            demo_tickets,
            server,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<LaunchOptions, OptionsError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LaunchOptions::parse(args.iter().map(|s| s.to_string()), |k| {
            env.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn flags_and_environment() {
        let none = LaunchOptions {
            data_dir: None,
            demo_tickets: None,
            server: None,
        };
        assert_eq!(parse(&[], &[]), Ok(none.clone()));
        assert_eq!(parse(&["--ignored"], &[]), Ok(none));
        assert_eq!(
            parse(&["--data-dir", "/tmp/x", "--demo"], &[]),
            Ok(LaunchOptions {
                data_dir: Some("/tmp/x".into()),
                demo_tickets: Some(300),
                server: None,
            })
        );
        assert_eq!(
            parse(
                &["--data-dir=/tmp/y"],
                &[("INBOX_DEMO", "1"), ("INBOX_DATA_DIR", "/tmp/env")]
            ),
            Ok(LaunchOptions {
                data_dir: Some("/tmp/y".into()),
                demo_tickets: Some(300),
                server: None,
            })
        );
        assert_eq!(
            parse(
                &[],
                &[("INBOX_DATA_DIR", "/tmp/env"), ("INBOX_DEMO_TICKETS", "40")]
            ),
            Ok(LaunchOptions {
                data_dir: Some("/tmp/env".into()),
                demo_tickets: Some(40),
                server: None,
            })
        );
        assert_eq!(
            parse(&["--demo-tickets", "12"], &[]).unwrap().demo_tickets,
            Some(12)
        );
        assert_eq!(
            parse(&[], &[("INBOX_DEMO", "0")]).unwrap().demo_tickets,
            None
        );
    }

    #[test]
    fn a_server_comes_with_a_token() {
        let server = parse(&["--server", "http://127.0.0.1:8080", "--token=t"], &[])
            .unwrap()
            .server;
        assert_eq!(
            server,
            Some(Connection {
                server: "http://127.0.0.1:8080".into(),
                token: "t".into(),
                teammate: None,
                email: None,
            })
        );
        let from_env = parse(&[], &[("INBOX_SERVER", "http://h"), ("INBOX_TOKEN", "e")]);
        assert_eq!(from_env.unwrap().server.unwrap().token, "e");
        assert_eq!(
            parse(&["--server", "http://h"], &[]),
            Err(OptionsError::ServerWithoutToken)
        );
    }

    #[test]
    fn bad_values_are_explained() {
        assert_eq!(
            parse(&["--data-dir"], &[]),
            Err(OptionsError::MissingValue("--data-dir"))
        );
        assert_eq!(
            parse(&["--demo-tickets", "lots"], &[])
                .unwrap_err()
                .to_string(),
            "--demo-tickets expects a number of tickets, got \"lots\""
        );
    }
}
