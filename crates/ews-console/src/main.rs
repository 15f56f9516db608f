//! Entry point: mounts the console.
fn main() {
    ews_console::start();
}
