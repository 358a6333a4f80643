//! The Teammate Inbox desktop app: a thin Tauri shell over `inbox-store` and `inbox-core`.

mod alerts;
mod commands;
mod error;
mod options;
mod startup;
mod sync;

pub use options::LaunchOptions;
pub use startup::open_store;

/// Starts the app; exits with a message if it cannot open its database.
pub fn run() {
    let options = match LaunchOptions::parse(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("teammate-inbox: {e}");
            std::process::exit(2);
        }
    };
    tauri::Builder::default()
        .setup(move |app| {
            let store = std::sync::Arc::new(std::sync::Mutex::new(startup::open_store(
                app.handle(),
                &options,
            )?));
            let sync = options.server.as_ref().map(|server| {
                let client = inbox_sync::client::Client::new(&server.url, &server.token);
                sync::start(app.handle().clone(), store.clone(), client)
            });
            tauri::Manager::manage(app, commands::AppState { store, sync });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::get_workspace,
            commands::get_view_counts,
            commands::list_tickets,
            commands::get_ticket,
            commands::apply_mutation,
            commands::find_tickets,
            commands::list_conversations,
            commands::read_conversation,
            commands::get_conversation_timeline,
            commands::preview_mutation,
            commands::get_notification_settings,
            commands::set_reply_email_delay,
            commands::new_ticket_id,
            commands::get_sync_status,
            commands::set_work_offline,
            commands::list_sync_issues,
            commands::dismiss_sync_issue,
            commands::resend_sync_issue,
            commands::get_desktop_notifications,
            commands::set_desktop_notifications,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Teammate Inbox");
}
