//! The Teammate Inbox desktop app: a thin Tauri shell over `inbox-store` and `inbox-core`.

mod account;
mod alerts;
mod commands;
mod desktop;
mod error;
mod locks;
mod options;
mod profiles;
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
    tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(desktop::single_instance(&options))
        .plugin(desktop::window_state(&options))
        .on_window_event(desktop::save_on_change)
        .setup(move |app| {
            let data_dir = startup::data_dir(app.handle(), &options)?;
            // --server/--token for this run, else the sign-in saved by the last one.
            let connection = options.server.clone().or_else(|| session::load(&data_dir));
            let store = startup::open_store(&data_dir, connection.as_ref(), options.demo_tickets)?;
            unread::show(app.handle(), &store);
            let state = commands::AppState::new(store, data_dir, options.demo_tickets);
            if let Some(connection) = connection {
                state.start_sync(app.handle(), connection);
            }
            tauri::Manager::manage(app, state);
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
            commands::read_ticket,
            account::get_session,
            account::sign_in,
            account::sign_out,
            account::open_demo,
            profiles::list_directory,
            profiles::get_contact_profile,
            profiles::get_company_profile,
            settings::save_settings,
            commands::set_desktop_notifications,
            search::search_tickets,
            webhooks::list_webhooks,
            webhooks::get_webhook,
            webhooks::create_webhook,
            webhooks::update_webhook,
            webhooks::replay_webhook,
            webhooks::delete_webhook,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Teammate Inbox");
}
