//! The Teammate Inbox desktop app: a thin Tauri shell over `inbox-store` and `inbox-core`.

mod account;
mod alerts;
mod attachments;
mod commands;
mod desktop;
mod error;
mod events;
mod ipc;
mod locks;
mod macros;
mod options;
mod preparing;
mod profiles;
mod readers;
mod search;
mod session;
mod settings;
mod startup;
mod sync;
mod unread;
mod webhooks;

pub use options::LaunchOptions;

/// Starts the app; exits with a message if it cannot open its database.
pub fn run() {
    let options = match LaunchOptions::parse(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("teammate-inbox: {e}");
            std::process::exit(2);
        }
    };
    let ipc = ipc::builder();
    tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(desktop::single_instance(&options))
        .plugin(desktop::window_state(&options))
        .on_window_event(desktop::save_on_change)
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            // Before anything can emit an event (the sync task, below).
            ipc.mount_events(app.handle());
            let data_dir = startup::data_dir(app.handle(), &options)?;
            // --server/--token for this run, else the sign-in saved by the last one.
            let connection = options.server.clone().or_else(|| session::load(&data_dir));
            // A demo workspace is made after the window is up (preparing.rs).
            let store = startup::open_store(&data_dir, connection.as_ref(), None)?;
            let demo = match (options.demo_tickets, &connection) {
                (Some(tickets), None) if store.is_empty()? => Some(tickets),
                _ => None,
            };
            unread::show(app.handle(), &store);
            let state = commands::AppState::new(store, data_dir, options.demo_tickets);
            if let Some(connection) = connection {
                state.start_sync(app.handle(), connection);
            }
            tauri::Manager::manage(app, state);
            if let Some(tickets) = demo {
                let state = tauri::Manager::state::<commands::AppState>(app);
                preparing::prepare(app.handle(), &state, tickets);
            }
            tauri::async_runtime::spawn(commands::commit_local(app.handle().clone()));
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Teammate Inbox");
}
