//! The IPC contract in one place: every command and event the window may use, and the
//! TypeScript bindings generated from them and their Rust types (`ui/src/lib/bindings.ts`,
//! written by `make bindings`, never by hand, never at startup).

use tauri_specta::{collect_commands, collect_events, Builder, ErrorHandlingMode};

use crate::error::CommandError;
use crate::events::{
    DemoProgressed, OpenConversation, OpenTicket, SessionChanged, SyncStatusChanged,
    WorkspaceChanged,
};
use crate::{account, attachments, commands, macros, profiles, search, settings, webhooks};

/// The commands and events, for the app's invoke handler and for the bindings.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::get_workspace,
            commands::get_view_counts,
            commands::list_tickets,
            commands::get_ticket,
            commands::get_customer_ticket,
            commands::apply_mutation::<tauri::Wry>,
            commands::apply_bulk::<tauri::Wry>,
            commands::undo::<tauri::Wry>,
            commands::find_tickets,
            commands::list_conversations,
            commands::get_conversation,
            commands::get_conversation_counts,
            commands::list_queue,
            commands::read_conversation::<tauri::Wry>,
            commands::preview_mutation,
            commands::preview_bulk,
            commands::get_notification_settings,
            commands::set_reply_email_delay,
            commands::new_id,
            commands::get_sync_status,
            commands::set_work_offline,
            commands::list_sync_issues,
            commands::dismiss_sync_issue,
            commands::resend_sync_issue,
            commands::get_desktop_notifications,
            commands::set_desktop_notifications,
            commands::read_ticket::<tauri::Wry>,
            account::get_session,
            account::sign_in::<tauri::Wry>,
            account::sign_out::<tauri::Wry>,
            account::open_demo::<tauri::Wry>,
            profiles::list_directory,
            profiles::get_contact_profile,
            profiles::get_company_profile,
            settings::save_settings::<tauri::Wry>,
            search::search_tickets,
            search::search_conversations,
            crate::desktop::open_link,
            attachments::upload_attachment,
            attachments::load_attachment,
            attachments::save_attachment,
            webhooks::list_webhooks,
            webhooks::get_webhook,
            webhooks::create_webhook,
            webhooks::update_webhook,
            webhooks::replay_webhook,
            webhooks::delete_webhook,
            macros::list_macros,
            macros::render_macro,
        ])
        .events(collect_events![
            SyncStatusChanged,
            WorkspaceChanged,
            SessionChanged,
            DemoProgressed,
            OpenTicket,
            OpenConversation
        ])
        // The rules' bounds the window checks as the teammate types (inbox-core has the rules).
        .constant("MAX_SNOOZE_MS", inbox_core::snooze::MAX_SNOOZE)
        // Not named by any command's result: a rejected command's promise carries it.
        .typ::<CommandError>()
        // A command that fails rejects its promise with an ApiError, as `invoke` does.
        .error_handling(ErrorHandlingMode::Throw)
        // Counts, sequence numbers and millisecond times (i64, u64, usize) are JS numbers:
        // none comes near 2^53.
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use specta_typescript::Typescript;

    use super::builder;

    /// Where the bindings live, from the repository's root.
    const BINDINGS: &str = "ui/src/lib/bindings.ts";

    const HEADER: &str = "\
// The IPC contract, from the Rust side (src-tauri/ipc.rs and the types it names).
// Regenerate with `make bindings`; `make test` fails while this file is stale.";

    /// The bindings as `make bindings` writes them.
    pub fn render() -> String {
        let dir = tempdir();
        let file = dir.join("bindings.ts");
        builder()
            .export(Typescript::default().header(HEADER), &file)
            .expect("the IPC types export to TypeScript");
        let text = std::fs::read_to_string(&file).expect("the exported bindings can be read");
        let _ = std::fs::remove_dir_all(&dir);
        text
    }

    /// A fresh directory for one export (the exporter only writes to files).
    fn tempdir() -> std::path::PathBuf {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "teammate-inbox-bindings-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("a temporary directory for the bindings");
        dir
    }

    fn on_disk() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS)
    }

    /// `make bindings`: writes the bindings from the Rust side.
    #[test]
    #[ignore = "writes ui/src/lib/bindings.ts; run by `make bindings`"]
    fn export_bindings() {
        std::fs::write(on_disk(), render()).expect("ui/src/lib/bindings.ts is writable");
    }

    #[test]
    fn bindings_are_up_to_date() {
        let fresh = render();
        let current = std::fs::read_to_string(on_disk()).unwrap_or_default();
        assert!(
            current == fresh,
            "{} is stale: the IPC contract changed on the Rust side. Run `make bindings` \
             (cargo test --lib -- --ignored export_bindings) and commit the result.",
            BINDINGS
        );
    }

    #[test]
    fn bindings_are_the_same_every_time() {
        assert_eq!(render(), render());
    }
}
