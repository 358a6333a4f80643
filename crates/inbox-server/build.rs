//! The Messenger page is built by Vite (`make ui`) into ui/dist-messenger and embedded in the
//! binary; without it the server would serve no Messenger, so the build stops and says why.

use std::path::Path;

fn main() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist-messenger");
    println!("cargo:rerun-if-changed={}", page.display());
    for file in ["index.html", "embed.js"] {
        println!("cargo:rerun-if-changed={}", page.join(file).display());
    }
    if !page.join("index.html").is_file() {
        panic!(
            "{} has no index.html: build the Messenger page first with `make ui` \
             (or `npm --prefix ui ci && npm --prefix ui run build`)",
            page.display()
        );
    }
}
