//! `cargo xtask run`: the local demo in one command.

use crate::util::Result;

pub(crate) fn run(_args: &[String]) -> Result {
    Err("`cargo xtask run` needs the simulator (crates/ews-sim), which is not built yet".into())
}
