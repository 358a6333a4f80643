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
use inbox_server::mail::{EmlDir, Mailer, Smtp};
use inbox_server::server::{serve, ServeOptions};
use inbox_server::setup::{seed_demo, teammate_password, teammate_token};
use inbox_server::storage::postgres::PostgresStorage;
use inbox_server::storage::sqlite::SqliteStorage;
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
    Serve(ServeArgs),
    /// Fills an empty workspace with the demo data.
    Seed {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 300)]
        tickets: usize,
        /// Also a tracker with this many linked customer tickets (for load tests).
        #[arg(long, default_value_t = 0)]
        big_tracker: usize,
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
}

impl DbArgs {
    fn open(&self) -> Result<SharedStorage, ServerError> {
        Ok(match &self.database {
            Some(url) => Arc::new(PostgresStorage::connect(url)?),
            None => Arc::new(SqliteStorage::open_dir(&self.data_dir)?),
        })
    }
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    db: DbArgs,
    /// Customer emails are written here as .eml files (the default: DATA_DIR/outbox).
    #[arg(long, conflicts_with = "smtp")]
    email_dir: Option<PathBuf>,
    /// Send customer emails through this SMTP relay (smtp://host:port).
    #[arg(long)]
    smtp: Option<String>,
    /// The domain of reply-to addresses; mail to it must be posted to /inbound/email.
    #[arg(long, default_value = inbox_store::INBOUND_EMAIL_DOMAIN)]
    inbound_domain: String,
    /// How often due emails are looked for, in milliseconds.
    #[arg(long, default_value_t = 1_000, hide = true)]
    delivery_interval_ms: u64,
}

fn main() -> ExitCode {
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
                inbound_domain: args.inbound_domain,
                delivery_interval: Duration::from_millis(args.delivery_interval_ms),
            };
            tokio::runtime::Runtime::new()
                .map_err(|e| ServerError::Storage(format!("cannot start the runtime: {e}")))?
                .block_on(serve(args.listen, opts))
        }
        Command::Seed {
            db,
            tickets,
            big_tracker,
        } => {
            let seeded = seed_demo(db.open()?.as_ref(), tickets, big_tracker, now())?;
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
        Command::Token { db, email } => {
            println!("{}", teammate_token(db.open()?.as_ref(), &email, now())?);
            Ok(())
        }
    }
}
