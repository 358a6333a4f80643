//! `inbox-server`: serve the API, seed a demo workspace, set a teammate's password or print
//! their API token.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use inbox_server::authority::now;
use inbox_server::error::ServerError;
use inbox_server::http::{Limits, LoginLimits, UploadLimits};
use inbox_server::mail::{EmlDir, Mailer, Smtp};
use inbox_server::server::{serve, ServeOptions};
use inbox_server::setup::{
    revoke_token, seed_demo_with_files, set_active, teammate_password, teammate_token,
    teammate_tokens,
};
use inbox_server::storage::postgres::PostgresStorage;
use inbox_server::storage::sqlite::{SqliteOptions, SqliteStorage};
use inbox_server::storage::SharedStorage;

#[derive(Parser)]
#[command(name = "inbox-server", version, about = "The Teammate Inbox server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the sync, REST and Messenger APIs and delivers customer emails.
    Serve(Box<ServeArgs>),
    /// Fills an empty workspace with the demo data.
    Seed {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 300)]
        tickets: usize,
        /// Also a tracker with this many linked customer tickets (for load tests).
        #[arg(long, default_value_t = 0)]
        big_tracker: usize,
        /// Where the demo customers' screenshots go (the default: DATA_DIR/attachments).
        #[arg(long, env = "INBOX_ATTACHMENTS_DIR")]
        attachments_dir: Option<PathBuf>,
    },
    /// Sets the password a teammate signs in to the app with, read from the first line of
    /// standard input (an empty workspace gets them as its first admin).
    Password {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
    },
    /// Prints a new API token for a teammate (an empty workspace gets them as its first admin).
    Token {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        /// What the token is for, shown when tokens are listed.
        #[arg(long)]
        name: Option<String>,
    },
    /// Lists a teammate's tokens (sessions and API tokens; never the secrets).
    Tokens {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
    },
    /// Revokes one of a teammate's tokens by the id `tokens` lists.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        token_id: String,
    },
    /// Deactivates a teammate who left: they can no longer sign in, and every session and API
    /// token of theirs ends at once.
    Deactivate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
    },
    /// Lets a deactivated teammate sign in again.
    Activate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
    },
    /// Prints the Messenger's identity verification secret: a company's server keys the
    /// `user_hash` of its signed-in users with it (HMAC-SHA256 of the user id, or the email).
    MessengerSecret {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
struct DbArgs {
    /// The folder of the embedded SQLite database.
    #[arg(long, env = "INBOX_DATA_DIR", default_value = "inbox-server-data")]
    data_dir: PathBuf,
    /// A PostgreSQL URL (postgres://user@host/db) instead of the embedded database.
    #[arg(long, env = "INBOX_DATABASE_URL", conflicts_with = "data_dir")]
    database: Option<String>,
    /// SQLite: read connections at most (concurrent reads beyond them wait for one).
    #[arg(long, env = "INBOX_SQLITE_READERS", default_value_t = SqliteOptions::default().readers as u16,
        value_parser = clap::value_parser!(u16).range(1..=64))]
    sqlite_readers: u16,
    /// SQLite: each connection's page cache, in MiB.
    #[arg(long, env = "INBOX_SQLITE_CACHE_MIB", default_value_t = SqliteOptions::default().cache_kib / 1024,
        value_parser = clap::value_parser!(u32).range(1..=4096))]
    sqlite_cache_mib: u32,
}

impl DbArgs {
    fn open(&self) -> Result<SharedStorage, ServerError> {
        Ok(match &self.database {
            Some(url) => Arc::new(PostgresStorage::connect(url)?),
            None => Arc::new(SqliteStorage::open_dir_with(
                &self.data_dir,
                SqliteOptions {
                    readers: usize::from(self.sqlite_readers),
                    cache_kib: self.sqlite_cache_mib * 1024,
                },
            )?),
        })
    }
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Where customers reach this server (https://support.example.com): the links and logo in
    /// customer emails point there. By default http:// and the listening address.
    #[arg(long, env = "INBOX_PUBLIC_URL", value_parser = web_address)]
    public_url: Option<String>,
    #[command(flatten)]
    db: DbArgs,
    /// Attached files are kept here, content-addressed (the default: DATA_DIR/attachments).
    #[arg(long, env = "INBOX_ATTACHMENTS_DIR")]
    attachments_dir: Option<PathBuf>,
    /// Customer emails are written here as .eml files (the default: DATA_DIR/outbox).
    #[arg(long, conflicts_with = "smtp")]
    email_dir: Option<PathBuf>,
    /// Send customer emails through this SMTP relay (smtp://host:port).
    #[arg(long)]
    smtp: Option<String>,
    /// The domain of reply-to addresses; mail to it must be posted to /inbound/email.
    #[arg(long, default_value = inbox_core::email::INBOUND_EMAIL_DOMAIN)]
    inbound_domain: String,
    /// The secret the mail relay must send (header X-Inbox-Relay-Secret) to post inbound
    /// email; without one, anyone who can reach the server may post to /inbound/email.
    #[arg(long, env = "INBOX_INBOUND_SECRET", hide_env_values = true)]
    inbound_secret: Option<String>,
    /// Days a reply-to address keeps working after its email was made.
    #[arg(long, env = "INBOX_REPLY_TOKEN_DAYS", default_value_t = inbox_core::email::REPLY_TOKEN_DAYS)]
    reply_token_days: i64,
    /// How often due emails are looked for, in milliseconds.
    #[arg(long, default_value_t = 1_000, hide = true)]
    delivery_interval_ms: u64,
    /// The first pause after a failed webhook delivery, in milliseconds (it doubles).
    #[arg(long, default_value_t = 5_000, hide = true)]
    webhook_retry_ms: u64,
    /// Seconds a client has to send a request's headers; idle keep-alive connections close
    /// after as long.
    #[arg(long, env = "INBOX_HEADER_TIMEOUT", default_value_t = 15)]
    header_timeout: u64,
    /// Seconds a client has to send a request's body.
    #[arg(long, env = "INBOX_BODY_TIMEOUT", default_value_t = 60)]
    body_timeout: u64,
    /// Open connections at most (kept below the process's file limit too).
    #[arg(long, env = "INBOX_MAX_CONNECTIONS", default_value_t = 10_000)]
    max_connections: usize,
    /// Password checks running at once (each takes ~20 MB for a moment).
    #[arg(long, env = "INBOX_LOGIN_CONCURRENCY", default_value_t = 2)]
    login_concurrency: usize,
    /// Wrong passwords for one account per 15 minutes before its sign-in pauses.
    #[arg(long, env = "INBOX_LOGIN_FAILURES", default_value_t = 10)]
    login_failures_per_account: u32,
    /// Sign-in attempts from one address per minute.
    #[arg(long, env = "INBOX_LOGIN_ATTEMPTS", default_value_t = 30)]
    login_attempts_per_address: u32,
    /// Files one teammate or one customer may upload per hour.
    #[arg(long, env = "INBOX_UPLOAD_FILES_PER_HOUR", default_value_t = 120)]
    upload_files_per_hour: u32,
    /// Megabytes one teammate or one customer may upload per hour.
    #[arg(long, env = "INBOX_UPLOAD_MB_PER_HOUR", default_value_t = 512)]
    upload_mb_per_hour: u64,
    /// The server runs behind a TLS proxy on this machine: take clients' addresses from the
    /// last X-Forwarded-For entry of connections from loopback.
    #[arg(long, env = "INBOX_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Days an app's sign-in may go unused before it ends (API tokens do not expire).
    #[arg(long, env = "INBOX_SESSION_IDLE_DAYS", default_value_t = 14.0)]
    session_idle_days: f64,
}

impl ServeArgs {
    fn limits(&self) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(self.header_timeout.max(1)),
            body_timeout: Duration::from_secs(self.body_timeout.max(1)),
            max_connections: self.max_connections.max(1),
            login: LoginLimits {
                concurrency: self.login_concurrency.max(1),
                failures_per_account: self.login_failures_per_account.max(1),
                attempts_per_address: self.login_attempts_per_address.max(1),
                ..LoginLimits::default()
            },
            uploads: UploadLimits {
                files: self.upload_files_per_hour.max(1),
                bytes: self.upload_mb_per_hour.max(1).saturating_mul(1024 * 1024),
                ..UploadLimits::default()
            },
            behind_proxy: self.behind_proxy,
            session_idle: Duration::from_secs_f64(
                self.session_idle_days.clamp(0.0, 3650.0) * 86_400.0,
            ),
        }
    }
}

fn web_address(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or("it must start with https:// or http://")?;
    if rest.trim_end_matches('/').is_empty() || rest.contains(char::is_whitespace) {
        return Err("it must name a host, without spaces".into());
    }
    Ok(s.trim_end_matches('/').to_owned())
}

/// Logs go to standard error: one line per request and per notable event, plain text or JSON
/// (`INBOX_LOG_FORMAT=json`), filtered by `INBOX_LOG` (`info` by default; `warn`, `debug`, or
/// per module: `inbox_server=debug`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INBOX_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if std::env::var("INBOX_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Large allocations (an Argon2 check takes ~20 MB) go straight back to the system when freed.
/// glibc otherwise raises its mmap threshold after the first such free and keeps later ones in
/// the arena of whichever thread made them: a burst of sign-ins left the server holding
/// gigabytes it no longer used.
fn return_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator tunable; it is called before any other thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> ExitCode {
    return_large_allocations();
    init_logging();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("inbox-server: {e} ({})", e.code());
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), ServerError> {
    match cli.command {
        Command::Serve(args) => {
            let mailer: Arc<dyn Mailer> = match (&args.smtp, &args.email_dir) {
                (Some(url), _) => Arc::new(Smtp::from_url(url)?),
                (None, Some(dir)) => Arc::new(EmlDir::new(dir)?),
                (None, None) => Arc::new(EmlDir::new(args.db.data_dir.join("outbox"))?),
            };
            let opts = ServeOptions {
                storage: args.db.open()?,
                mailer,
                limits: args.limits(),
                inbound_domain: args.inbound_domain,
                inbound_secret: args.inbound_secret.filter(|s| !s.is_empty()),
                reply_token_days: args.reply_token_days.max(1),
                public_url: args.public_url,
                delivery_interval: Duration::from_millis(args.delivery_interval_ms),
                webhook_retry: Duration::from_millis(args.webhook_retry_ms),
                attachments_dir: args
                    .attachments_dir
                    .unwrap_or_else(|| args.db.data_dir.join("attachments")),
            };
            tokio::runtime::Runtime::new()
                .map_err(|e| ServerError::Storage(format!("cannot start the runtime: {e}")))?
                .block_on(serve(args.listen, opts))
        }
        Command::Seed {
            db,
            tickets,
            big_tracker,
            attachments_dir,
        } => {
            let blobs = inbox_server::blobs::BlobStore::open(
                &attachments_dir.unwrap_or_else(|| db.data_dir.join("attachments")),
            )?;
            let storage = db.open()?;
            let seeded =
                seed_demo_with_files(storage.as_ref(), Some(&blobs), tickets, big_tracker, now())?;
            println!("Seeded the demo workspace with {} tickets.", seeded.tickets);
            Ok(())
        }
        Command::Password { db, email } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).map_err(|e| {
                ServerError::bad_request(
                    "no_password",
                    format!("cannot read the password from standard input: {e}"),
                )
            })?;
            let password = password.trim_end_matches(['\r', '\n']);
            let teammate = teammate_password(db.open()?.as_ref(), &email, password, now())?;
            println!(
                "{} ({}) can now sign in with that password.",
                teammate.name, teammate.email
            );
            Ok(())
        }
        Command::MessengerSecret { db } => {
            let secret = inbox_server::setup::email_secret(db.open()?.as_ref())?;
            println!(
                "{}",
                inbox_core::customer_identity::identity_secret(&secret)
            );
            Ok(())
        }
        Command::Token { db, email, name } => {
            println!(
                "{}",
                teammate_token(db.open()?.as_ref(), &email, name, now())?
            );
            Ok(())
        }
        Command::Tokens { db, email } => {
            for t in teammate_tokens(db.open()?.as_ref(), &email)? {
                let kind = serde_json::to_string(&t.kind).expect("kinds serialise");
                println!(
                    "{}  {:<9} created {}  last used {}  {}",
                    t.id,
                    kind.trim_matches('"'),
                    t.created_at,
                    t.last_used_at,
                    t.name.unwrap_or_default()
                );
            }
            Ok(())
        }
        Command::Revoke {
            db,
            email,
            token_id,
        } => {
            if revoke_token(db.open()?.as_ref(), &email, &token_id)? {
                println!("Token {token_id} no longer works.");
                Ok(())
            } else {
                Err(ServerError::bad_request(
                    "unknown_token",
                    format!("{email} has no token {token_id}; `inbox-server tokens` lists them."),
                ))
            }
        }
        Command::Deactivate { db, email } => {
            let teammate = set_active(db.open()?.as_ref(), &email, false, now())?;
            println!(
                "{} ({}) is deactivated: signed out everywhere, their API tokens revoked.",
                teammate.name, teammate.email
            );
            Ok(())
        }
        Command::Activate { db, email } => {
            let teammate = set_active(db.open()?.as_ref(), &email, true, now())?;
            println!("{} ({}) can sign in again.", teammate.name, teammate.email);
            Ok(())
        }
    }
}
