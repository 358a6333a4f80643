//! Desktop integration: one instance per data folder (launching the app again focuses the
//! window already open on it), and the window's size and position remembered between runs.

use std::hash::{Hash, Hasher};

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime};

use crate::LaunchOptions;

const IDENTIFIER: &str = "app.teammate_inbox.desktop";

/// A second launch on the same data folder hands over to the first and exits. Apps on other
/// folders (another teammate, a demo) run side by side.
pub fn single_instance<R: Runtime>(options: &LaunchOptions) -> TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .callback(|app, _args, _cwd| focus(app))
        .dbus_id(instance_id(options))
        .build()
}

/// The D-Bus name the first instance holds: one per data folder.
fn instance_id(options: &LaunchOptions) -> String {
    match &options.data_dir {
        Some(dir) => {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            dir.hash(&mut hasher);
            format!("{IDENTIFIER}.d{:016x}", hasher.finish())
        }
        None => IDENTIFIER.to_owned(),
    }
}

fn focus<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Saves the window's size, position and maximised state and restores them at the next start;
/// kept in the data folder when one is given. The plugin saves when the app exits; [`save_on_change`]
/// also saves shortly after each move or resize, so a crash or a kill keeps them too.
pub fn window_state<R: Runtime>(options: &LaunchOptions) -> TauriPlugin<R> {
    let builder = tauri_plugin_window_state::Builder::new();
    match &options.data_dir {
        // An absolute file name replaces the platform's config folder.
        Some(dir) => builder.with_filename(dir.join("window-state.json").to_string_lossy()),
        None => builder,
    }
    .build()
}

/// Saves the window state half a second after the last move or resize (a drag sends many).
pub fn save_on_change<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::{AppHandleExt, StateFlags};
    static LATEST: AtomicU64 = AtomicU64::new(0);
    if !matches!(
        event,
        tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_)
    ) {
        return;
    }
    let change = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if LATEST.load(Ordering::SeqCst) == change {
            if let Err(e) = app.save_window_state(StateFlags::all()) {
                eprintln!("teammate-inbox: cannot save the window's size and place: {e}");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(dir: Option<&str>) -> LaunchOptions {
        LaunchOptions {
            data_dir: dir.map(Into::into),
            demo_tickets: None,
            server: None,
        }
    }

    #[test]
    fn one_instance_per_data_folder() {
        assert_eq!(instance_id(&options(None)), IDENTIFIER);
        let a = instance_id(&options(Some("/home/a/inbox")));
        assert_eq!(a, instance_id(&options(Some("/home/a/inbox"))));
        assert_ne!(a, instance_id(&options(Some("/home/b/inbox"))));
        // A valid D-Bus name: dot-separated elements of letters, digits and _, none starting
        // with a digit.
        assert!(a.split('.').all(|e| !e.is_empty()
            && !e.starts_with(|c: char| c.is_ascii_digit())
            && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')));
    }
}

/// Opens a link of a message in the teammate's browser (or mail app): only `http`, `https` and
/// `mailto` links, as the rich-text renderer makes them; the window itself never navigates.
#[tauri::command]
#[specta::specta]
pub fn open_link(url: String) -> crate::error::CommandResult<()> {
    if !inbox_core::rich_text::is_safe_url(&url) || url.chars().any(char::is_control) {
        return Err(crate::error::CommandError::new(
            "link_refused",
            "Only web (http, https) and email (mailto) links open from a message.",
        ));
    }
    open::that_detached(&url).map_err(|e| {
        crate::error::CommandError::new(
            "cannot_open_link",
            format!("The link could not be opened: {e}"),
        )
    })
}
